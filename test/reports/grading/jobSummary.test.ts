import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeReport } from '../../../reports/grading/scoreReport.ts';
import { appendJobSummary, codeSpan, jobSummaryMarkdown, markdownText } from '../../../reports/jobSummary.ts';
import { albRubric, checkResult, part, runReport } from './gradingFixtures.ts';

// The GitHub job summary: verdicts, the score, failing checks with their fix; nothing from the stack can
// become HTML, a link, or a new table cell or row.

const hostile = '<script>alert(1)</script> | [click](javascript:alert(2)) `code` **bold**\nnext line';

/** A table row's cell separators: pipes not escaped with a backslash. */
const cellSeparators = (row: string) => row.match(/(?<!\\)\|/g)?.length ?? 0;

function report() {
  return runReport(
    [
      checkResult('alb.round-robin', 'fail', {
        reason: hostile,
        fix: `register targets in both AZs ${hostile}`,
        parts: [part('every-target', true), part('both-azs', false), part('even-shares', true)],
      }),
      checkResult('alb.targets.healthy', 'error', { code: 'net.timeout', reason: 'timed out' }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'skip', {
        code: 'chaos.off',
        reason: 'drills run only with --chaos',
      }),
    ],
    `stack ${hostile}`,
  );
}

describe('job summary', () => {
  const run = report();
  const markdown = jobSummaryMarkdown(run, gradeReport(run, albRubric));

  it('shows the score, the lost points, the verdict counts and the failing checks with their fix', () => {
    expect(markdown).toContain('**Score: 7 / 12** (rubric `alb-lab`)');
    expect(markdown).toContain('| −2 | Round robin |');
    expect(markdown).toContain('| ✅ passed | 1 |');
    expect(markdown).toContain('| ❌ failed | 1 |');
    expect(markdown).toContain('| ⚠️ errored | 1 |');
    expect(markdown).toContain('| `alb.targets.healthy` | error `net.timeout` | timed out |  |');
    expect(markdown).toContain('register targets in both AZs');
  });

  it('keeps everything from the stack inert: no HTML, no link, no extra cell or row', () => {
    expect(markdown).not.toMatch(/<script|<\/script/i);
    expect(markdown).not.toMatch(/(?<!\\)\]\(/);
    expect(markdown.split('\n').some((line) => line.startsWith('next line'))).toBe(false);
    const rows = markdown.split('\n').filter((line) => line.startsWith('| `alb.round-robin`'));
    expect(rows).toHaveLength(1);
    expect(cellSeparators(rows[0]!)).toBe(5);
    expect(markdown.split('\n')[0]).toBe(`## labdrill: ${markdownText(`stack ${hostile}`, 120)}`);
  });

  it('escapes text for Markdown and HTML, and ids for code spans', () => {
    expect(markdownText('a|b <i>c</i> & [d](e)')).toBe('a\\|b &lt;i&gt;c&lt;/i&gt; &amp; \\[d\\]\\(e\\)');
    expect(codeSpan('alb.round-robin')).toBe('`alb.round-robin`');
    expect(codeSpan('x` <b>')).toBe('`x???b?`');
  });

  it('says when the student is not graded, and why', () => {
    const denied = runReport([
      checkResult('alb.round-robin', 'pass'),
      checkResult('alb.targets.healthy', 'error', {
        code: 'aws.access-denied',
        reason: 'no DescribeTargetHealth',
      }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'pass'),
    ]);
    const text = jobSummaryMarkdown(denied, gradeReport(denied, albRubric));
    expect(text).toContain(
      "**Not graded** (rubric `alb-lab`): a problem on the grader's side, not a score of 0.",
    );
    expect(text).toContain('no DescribeTargetHealth');
    expect(text).not.toContain('**Score');
  });

  it('has no score without a rubric, and is appended only under GitHub Actions', () => {
    expect(jobSummaryMarkdown(run)).not.toContain('Score');
    expect(appendJobSummary(run, undefined, {})).toBeNull();
    const file = join(mkdtempSync(join(tmpdir(), 'labdrill-summary-')), 'summary.md');
    writeFileSync(file, '# earlier step\n');
    expect(appendJobSummary(run, undefined, { GITHUB_STEP_SUMMARY: file })).toBe(file);
    expect(readFileSync(file, 'utf8')).toMatch(/^# earlier step\n## labdrill: /);
  });
});
