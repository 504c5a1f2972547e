import { describe, expect, it } from 'vitest';
import { gradeReport } from '../../../reports/grading/scoreReport.ts';
import { renderReportHtml } from '../../../reports/html/reportHtml.ts';
import { albRubric, checkResult, part, runReport } from './gradingFixtures.ts';

// report.html with a grade: the score and the lost points come first, each item has its bar, a student
// who is not graded reads that and why; everything from the stack stays text.

const payload = '<script>alert(1)</script><img src=x onerror=alert(2)>';

function partlyGraded() {
  return runReport([
    checkResult('alb.round-robin', 'fail', {
      reason: `only one AZ served ${payload}`,
      parts: [
        part('every-target', true),
        part('both-azs', false, `only 2a ${payload}`),
        part('even-shares', true),
      ],
    }),
    checkResult('alb.targets.healthy', 'skip', { code: 'config.missing', reason: 'alb.name is not set' }),
    checkResult('efs.shared', 'pass'),
    checkResult('asg.scale-out.drill', 'skip', { code: 'chaos.off', reason: 'drills run only with --chaos' }),
  ]);
}

describe('report.html with a grade', () => {
  const report = partlyGraded();
  const html = renderReportHtml(report, { grade: gradeReport(report, albRubric) });

  it('shows the score and the lost points before anything else of the run', () => {
    const score = html.indexOf('Score <span class="total">7 / 12</span>');
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(html.indexOf('<dl class="facts">'));
    expect(score).toBeLessThan(html.indexOf('Needs attention'));
    const lost = html.slice(html.indexOf('<h3>Lost points</h3>'), html.indexOf('<h3>Not counted</h3>'));
    expect(lost).toContain('−2</span> <strong>Round robin</strong>');
    expect(lost).toContain('<code>both-azs</code> (2): only 2a');
    expect(lost).toContain('−3</span> <strong>Healthy targets</strong>');
    expect(lost).toContain('skipped: alb.name is not set');
    expect(lost).not.toContain('Shared files');
  });

  it('draws a bar per item and lists what was not counted', () => {
    expect(html.match(/<span class="meter[^"]*" role="img"/g)).toHaveLength(4);
    expect(html).toContain('aria-label="3 of 5 points"><span style="width:60.0%">');
    expect(html).toContain('aria-label="not counted"');
    const notCounted = html.slice(html.indexOf('<h3>Not counted</h3>'));
    expect(notCounted).toContain('not run: drills run only with --chaos');
  });

  it('keeps every text from the stack inert', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says a student who is not graded is not graded, and why, with no score', () => {
    const denied = runReport([
      checkResult('alb.round-robin', 'pass'),
      checkResult('alb.targets.healthy', 'error', { code: 'aws.throttled', reason: 'Rate exceeded' }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'pass'),
    ]);
    const page = renderReportHtml(denied, { grade: gradeReport(denied, albRubric) });
    expect(page).toContain('<section class="grade not-graded" id="grade"><h2>Not graded</h2>');
    expect(page).toContain(
      'alb.targets.healthy: the grader&#39;s side failed (aws.throttled): Rate exceeded',
    );
    expect(page).not.toContain('Score <span class="total">');
    expect(page).not.toContain('Lost points');
  });

  it('shows counts and no score without a rubric', () => {
    const page = renderReportHtml(report);
    expect(page).not.toContain('id="grade"');
    expect(page).toContain('1 passed, 1 failed, 0 errored, 2 skipped');
    expect(page).not.toMatch(/\d+(\.\d+)?% of the checks/);
  });
});
