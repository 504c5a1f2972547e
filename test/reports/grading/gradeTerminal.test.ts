import { describe, expect, it } from 'vitest';
import { gradeLines } from '../../../reports/grading/gradeTerminal.ts';
import { gradeReport } from '../../../reports/grading/scoreReport.ts';
import { albRubric, checkResult, part, runReport } from './gradingFixtures.ts';

// The score block `labdrill run --rubric` prints after the check lines (NO_COLOR is not needed: the
// assertions strip colors).

const plain = (lines: string[]) => lines.join('\n').replace(/\u001b\[[0-9;]*m/g, '');

describe('gradeLines', () => {
  it('prints the score, every lost point with why and its failed parts, then what did not count', () => {
    const report = runReport([
      checkResult('alb.round-robin', 'fail', {
        reason: 'one AZ got no request',
        parts: [
          part('every-target', true),
          part('both-azs', false, 'only 2a served\u001b[2J'),
          part('even-shares', true),
        ],
      }),
      checkResult('alb.targets.healthy', 'skip', { code: 'config.missing', reason: 'alb.name is not set' }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'skip', {
        code: 'chaos.off',
        reason: 'drills run only with --chaos',
      }),
    ]);
    const text = plain(gradeLines(gradeReport(report, albRubric)));
    expect(text).toContain('Score: 7 / 12 (rubric alb-lab)');
    expect(text).toContain('   -2  Round robin [alb.round-robin]: one AZ got no request');
    expect(text).toContain('part both-azs (2): only 2a served [2J');
    expect(text).toContain('   -3  Healthy targets [alb.targets.healthy]: skipped: alb.name is not set');
    expect(text).toContain('Scale out [asg.scale-out.drill]: not run: drills run only with --chaos');
    expect(text).not.toContain('Shared files');
    expect(text).not.toContain('\u001b[2J');
  });

  it('says not graded, and why, instead of a score', () => {
    const report = runReport([
      checkResult('alb.round-robin', 'pass'),
      checkResult('alb.targets.healthy', 'error', {
        code: 'budget-exceeded',
        reason: 'ran past its 60 s budget',
      }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'pass'),
    ]);
    const text = plain(gradeLines(gradeReport(report, albRubric)));
    expect(text).toContain("Not graded (rubric alb-lab): a problem on the grader's side, not a score of 0");
    expect(text).toContain(
      "! alb.targets.healthy: the grader's side failed (budget-exceeded): ran past its 60 s budget",
    );
    expect(text).not.toContain('Score:');
  });
});
