import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Grade } from '../../../reports/grading/gradeModel.ts';
import { labdrill, readReport } from '../../e2e/labdrillCommand.ts';
import { twinForTests } from '../../twinForTests.ts';

// `labdrill run --rubric` as a student runs it on their own stack (the twin): grade.json, the score in the
// terminal and first in report.html, the autograder's files, the GitHub job summary; bad flags stop the run
// before anything runs.

const lab = twinForTests({ faults: 'alb-sticky' }, 180_000);
const dir = mkdtempSync(join(tmpdir(), 'labdrill-run-rubric-'));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

describe('labdrill run --rubric', () => {
  it('grades the run: grade.json, the score block, report.html, Gradescope’s file and the job summary', async () => {
    const out = join(dir, 'sticky');
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '');
    const result = await labdrill(
      [
        'run',
        '--config',
        lab.twin.stackFile,
        '--out',
        out,
        '--only',
        'alb.round-robin,alb.targets.healthy,alb.placement',
        '--rubric',
        join(dir, 'alb.yaml'),
        '--autograder',
        'gradescope',
      ],
      { env: { ...lab.twin.awsEnv, GITHUB_STEP_SUMMARY: summary }, timeoutMs: 300_000 },
    );
    // Sticky sessions: round robin fails, so the exit code is the run's 1.
    expect(result.code, result.explain()).toBe(1);
    const report = readReport(out, result);
    const roundRobin = report.checks.find((check) => check.id === 'alb.round-robin');
    expect(roundRobin?.verdict, result.explain()).toBe('fail');

    const grade = JSON.parse(readFileSync(join(out, 'grade.json'), 'utf8')) as Grade;
    expect(grade).toMatchObject({ schema: 'labdrill.grade/1', rubric: 'alb-lab', status: 'graded', max: 10 });
    const item = grade.items.find((entry) => entry.check === 'alb.round-robin')!;
    // Whatever parts the sticky ALB still gets right, the item cannot earn all 5 points.
    const earnedParts = (item.parts ?? []).filter((p) => p.passed).reduce((total, p) => total + p.max, 0);
    expect(item.points).toBe(earnedParts);
    expect(item.points).toBeLessThan(5);
    expect(grade.score).toBe(10 - (5 - item.points));

    expect(result.stdout).toContain(`Score: ${grade.score} / 10 (rubric alb-lab)`);
    expect(result.stdout).toContain('Lost points:');
    expect(result.stdout.indexOf('Score:')).toBeGreaterThan(result.stdout.indexOf('alb.round-robin'));
    expect(result.stdout).toContain(join(out, 'grade.json'));

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.indexOf(`Score <span class="total">${grade.score} / 10</span>`)).toBeGreaterThan(0);
    expect(html.indexOf('Score <span class="total">')).toBeLessThan(html.indexOf('<dl class="facts">'));

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { score: number };
    expect(results.score).toBe(grade.score);

    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain(`**Score: ${grade.score} / 10**`);
    expect(markdown).toContain('| `alb.round-robin` | fail |');
  });

  it('stops before anything runs on a bad rubric, or an autograder without one (exit 2, one line)', async () => {
    const out = join(dir, 'bad');
    writeFileSync(join(dir, 'bad.yaml'), 'name: bad\nitems:\n  - { check: alb.round-robbin, points: 5 }\n');
    const bad = await labdrill([
      'run',
      '--config',
      lab.twin.stackFile,
      '--out',
      out,
      '--rubric',
      join(dir, 'bad.yaml'),
    ]);
    expect(bad.code, bad.explain()).toBe(2);
    expect(bad.stderr).toBe(
      'labdrill: bad.yaml: items.0.check: is not a check id (see labdrill checks) (got "alb.round-robbin")\n',
    );
    const lonely = await labdrill([
      'run',
      '--config',
      lab.twin.stackFile,
      '--out',
      out,
      '--autograder',
      'gradescope',
    ]);
    expect(lonely.code, lonely.explain()).toBe(2);
    expect(lonely.stderr).toBe(
      'labdrill: --autograder needs --rubric NAME|FILE: the platforms are sent a grade\n',
    );
    const unknown = await labdrill([
      'run',
      '--config',
      lab.twin.stackFile,
      '--rubric',
      'rds',
      '--autograder',
      'moodle',
    ]);
    expect(unknown.code, unknown.explain()).toBe(2);
    expect(unknown.stderr).toBe(
      "labdrill: --autograder: 'moodle' is not one of classroom, vocareum, gradescope\n",
    );
    expect(existsSync(join(out, 'report.json'))).toBe(false);
  });
});

writeFileSync(
  join(dir, 'alb.yaml'),
  [
    'name: alb-lab',
    'items:',
    '  - check: alb.round-robin',
    '    points: 5',
    '    parts: { every-target: 2, both-azs: 2, even-shares: 1 }',
    '  - { check: alb.targets.healthy, points: 3 }',
    '  - { check: alb.placement, points: 2 }',
    '',
  ].join('\n'),
);
