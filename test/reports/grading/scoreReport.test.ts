import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../../reports/evidence.ts';
import { loadBuiltInRubrics } from '../../../reports/grading/loadRubric.ts';
import { gradeReport, notGradedGrade } from '../../../reports/grading/scoreReport.ts';
import { albRubric, checkResult, part, runReport } from './gradingFixtures.ts';

// The scoring rules, one at a time, with scores worked out by hand from the rubric
// (round robin 5 = 2 + 2 + 1, healthy 3, shared files 4 optional, scale out 6 = 2 + 2 + 2).

const healthy = () => [
  checkResult('alb.round-robin', 'pass'),
  checkResult('alb.targets.healthy', 'pass'),
  checkResult('efs.shared', 'pass'),
  checkResult('asg.scale-out.drill', 'pass'),
];

function withCheck(report: RunReport, replacement: ReturnType<typeof checkResult>): RunReport {
  return runReport(report.checks.map((check) => (check.id === replacement.id ? replacement : check)));
}

function item(grade: ReturnType<typeof gradeReport>, check: string) {
  const found = grade.items.find((entry) => entry.check === check);
  if (!found) throw new Error(`no item ${check}`);
  return found;
}

describe('gradeReport', () => {
  it('gives full marks when every check passed', () => {
    const grade = gradeReport(runReport(healthy()), albRubric);
    expect(grade).toMatchObject({ status: 'graded', score: 18, max: 18, reasons: [], rubric: 'alb-lab' });
    expect(grade.items.map((entry) => entry.status)).toEqual(['earned', 'earned', 'earned', 'earned']);
    expect(item(grade, 'alb.round-robin').parts?.every((p) => p.passed)).toBe(true);
  });

  it('gives a failed check the points of the parts that passed', () => {
    const failed = checkResult('alb.round-robin', 'fail', {
      reason: 'one AZ got no request',
      parts: [
        part('every-target', true),
        part('both-azs', false, 'only 2a served'),
        part('even-shares', true),
      ],
    });
    const grade = gradeReport(withCheck(runReport(healthy()), failed), albRubric);
    const roundRobin = item(grade, 'alb.round-robin');
    expect(roundRobin).toMatchObject({ status: 'partial', points: 3, max: 5, why: 'one AZ got no request' });
    expect(roundRobin.parts).toEqual([
      { name: 'every-target', points: 2, max: 2, passed: true, detail: 'every-target seen' },
      { name: 'both-azs', points: 0, max: 2, passed: false, detail: 'only 2a served' },
      { name: 'even-shares', points: 1, max: 1, passed: true, detail: 'even-shares seen' },
    ]);
    expect(grade).toMatchObject({ status: 'graded', score: 16, max: 18 });
  });

  it('gives a failed check without parts nothing, and a part the evidence does not name nothing', () => {
    const report = runReport([
      checkResult('alb.round-robin', 'fail', { parts: [part('every-target', true)] }),
      checkResult('alb.targets.healthy', 'fail', { parts: [part('all-healthy', true)] }),
      checkResult('efs.shared', 'pass'),
      checkResult('asg.scale-out.drill', 'pass'),
    ]);
    const grade = gradeReport(report, albRubric);
    expect(item(grade, 'alb.round-robin')).toMatchObject({ status: 'partial', points: 2 });
    expect(item(grade, 'alb.round-robin').parts?.[1]).toMatchObject({
      name: 'both-azs',
      passed: false,
      detail: 'not measured by the check',
    });
    // alb.targets.healthy has no parts in the rubric: all or nothing, whatever its evidence says.
    expect(item(grade, 'alb.targets.healthy')).toMatchObject({ status: 'lost', points: 0, max: 3 });
    expect(grade.score).toBe(2 + 0 + 4 + 6);
  });

  it('gives a failed check every point when only parts the rubric does not grade failed', () => {
    const rubric = {
      ...albRubric,
      items: [{ ...albRubric.items[0]!, points: 4, parts: { 'every-target': 2, 'both-azs': 2 } }],
    };
    const report = runReport([
      checkResult('alb.round-robin', 'fail', {
        parts: [part('every-target', true), part('both-azs', true), part('even-shares', false)],
      }),
    ]);
    expect(item(gradeReport(report, rubric), 'alb.round-robin')).toMatchObject({
      status: 'earned',
      points: 4,
    });
  });

  it('scores 0 for a required item skipped because the stack file lacks its input, and says so', () => {
    const skipped = checkResult('alb.targets.healthy', 'skip', {
      code: 'config.missing',
      reason: 'alb.name is not set in the stack file',
    });
    const grade = gradeReport(withCheck(runReport(healthy()), skipped), albRubric);
    expect(item(grade, 'alb.targets.healthy')).toMatchObject({
      status: 'lost',
      points: 0,
      max: 3,
      verdict: 'skip',
      errorCode: 'config.missing',
      why: 'skipped: alb.name is not set in the stack file',
    });
    expect(grade).toMatchObject({ status: 'graded', score: 15, max: 18 });
  });

  it('scores 0 for a required item skipped because the stack lacks what the check needs', () => {
    const skipped = checkResult('alb.round-robin', 'skip', {
      code: 'stack.unmet',
      reason: 'one healthy target',
    });
    const grade = gradeReport(withCheck(runReport(healthy()), skipped), albRubric);
    expect(item(grade, 'alb.round-robin')).toMatchObject({ status: 'lost', points: 0, max: 5 });
    expect(grade).toMatchObject({ score: 13, max: 18 });
  });

  it('leaves an optional item skipped for a missing input out of the points possible', () => {
    const skipped = checkResult('efs.shared', 'skip', {
      code: 'config.missing',
      reason: 'efs.path is not set',
    });
    const grade = gradeReport(withCheck(runReport(healthy()), skipped), albRubric);
    expect(item(grade, 'efs.shared')).toMatchObject({
      status: 'not-attempted',
      points: 0,
      max: 0,
      why: 'not attempted: efs.path is not set',
    });
    expect(grade).toMatchObject({ status: 'graded', score: 14, max: 14 });
  });

  it('counts an optional item that ran and failed against the points possible', () => {
    const failed = checkResult('efs.shared', 'fail', { reason: 'the canary was not read on 10.1.2.7' });
    const grade = gradeReport(withCheck(runReport(healthy()), failed), albRubric);
    expect(item(grade, 'efs.shared')).toMatchObject({ status: 'lost', points: 0, max: 4 });
    expect(grade).toMatchObject({ score: 14, max: 18 });
  });

  it('leaves a check skipped on the grader’s side (drills without --chaos, a dry run) out, and lists it', () => {
    for (const code of ['chaos.off', 'dry-run'] as const) {
      const skipped = checkResult('asg.scale-out.drill', 'skip', {
        code,
        reason: 'drills run only with --chaos',
      });
      const grade = gradeReport(withCheck(runReport(healthy()), skipped), albRubric);
      expect(item(grade, 'asg.scale-out.drill')).toMatchObject({
        status: 'not-run',
        points: 0,
        max: 0,
        errorCode: code,
        why: 'not run: drills run only with --chaos',
      });
      expect(grade).toMatchObject({ status: 'graded', score: 12, max: 12 });
    }
  });

  it('does not grade a student whose check ended in an error on the grader’s side', () => {
    for (const code of ['aws.access-denied', 'aws.throttled', 'budget-exceeded', 'internal'] as const) {
      const errored = checkResult('alb.targets.healthy', 'error', {
        code,
        reason: 'not authorized to perform elasticloadbalancing:DescribeTargetHealth',
      });
      const grade = gradeReport(withCheck(runReport(healthy()), errored), albRubric);
      expect(grade.status).toBe('not-graded');
      expect(grade.score).toBe(0);
      expect(grade.reasons).toEqual([
        `alb.targets.healthy: the grader's side failed (${code}): not authorized to perform elasticloadbalancing:DescribeTargetHealth`,
      ]);
      expect(item(grade, 'alb.targets.healthy')).toMatchObject({ status: 'not-graded', errorCode: code });
      // The other items keep what they measured, for the instructor who looks into it.
      expect(item(grade, 'alb.round-robin')).toMatchObject({ status: 'earned', points: 5 });
    }
  });

  it('scores 0 for an error on the stack’s side', () => {
    for (const code of ['net.refused', 'net.timeout', 'sql.auth'] as const) {
      const errored = checkResult('alb.round-robin', 'error', {
        code,
        reason: 'connection refused by 10.1.1.5:80',
      });
      const grade = gradeReport(withCheck(runReport(healthy()), errored), albRubric);
      expect(item(grade, 'alb.round-robin')).toMatchObject({
        status: 'lost',
        points: 0,
        max: 5,
        why: `error (${code}): connection refused by 10.1.1.5:80`,
      });
      expect(grade).toMatchObject({ status: 'graded', score: 13, max: 18 });
    }
  });

  it('does not grade a student whose report lacks a check the rubric grades', () => {
    const report = runReport(healthy().filter((check) => check.id !== 'efs.shared'));
    const grade = gradeReport(report, albRubric);
    expect(grade.status).toBe('not-graded');
    expect(grade.reasons).toEqual(['efs.shared: check efs.shared was not run (it is not in the report)']);
    expect(item(grade, 'efs.shared')).toMatchObject({ status: 'not-graded', verdict: 'missing' });
  });

  it('does not grade a skip or error whose code it does not know', () => {
    const unknown = { ...checkResult('alb.round-robin', 'error'), errorCode: 'made.up' } as never;
    const grade = gradeReport(withCheck(runReport(healthy()), unknown), albRubric);
    expect(grade.status).toBe('not-graded');
    expect(grade.reasons[0]).toContain('without a known error code');
  });

  it('never raises a score when a section is left out of the stack file', () => {
    // The same stack, graded with a section present but failing, and with the section left out: every
    // check of that section is skipped with config.missing then. Leaving it out must never score higher.
    const sections: Record<string, string[]> = {
      alb: ['alb.round-robin', 'alb.targets.healthy'],
      efs: ['efs.shared'],
      asg: ['asg.scale-out.drill'],
    };
    const outcomes = [
      (id: string) => checkResult(id, 'fail'),
      (id: string) =>
        checkResult(id, 'fail', { parts: [part('every-target', true), part('alarm-fired', true)] }),
      (id: string) => checkResult(id, 'error', { code: 'net.refused' }),
      (id: string) => checkResult(id, 'pass'),
    ];
    for (const [section, ids] of Object.entries(sections)) {
      for (const outcome of outcomes) {
        const present = runReport(
          healthy().map((check) => (ids.includes(check.id) ? outcome(check.id) : check)),
        );
        const leftOut = runReport(
          healthy().map((check) =>
            ids.includes(check.id)
              ? checkResult(check.id, 'skip', { code: 'config.missing', reason: `${section} is not set` })
              : check,
          ),
        );
        const withSection = gradeReport(present, albRubric);
        const withoutSection = gradeReport(leftOut, albRubric);
        expect(withoutSection.status).toBe('graded');
        expect(withoutSection.score).toBeLessThanOrEqual(withSection.score);
        // For required items the share cannot rise either (the points possible stay the same). An optional
        // item counts toward the points possible only when attempted (gradeModel), so its share may.
        const required = albRubric.items
          .filter((entry) => ids.includes(entry.check))
          .every((e) => e.required);
        if (required) expect(withoutSection.max).toBe(withSection.max);
      }
    }
  });

  it('never raises a score on a built-in rubric when one check’s input is left out', () => {
    for (const rubric of loadBuiltInRubrics()) {
      const allPass = rubric.items.map((entry) => checkResult(entry.check, 'pass'));
      for (const graded of rubric.items) {
        const outcomes = [
          checkResult(graded.check, 'pass'),
          checkResult(graded.check, 'fail'),
          checkResult(graded.check, 'error', { code: 'net.timeout' }),
        ];
        const leftOut = runReport(
          allPass.map((check) =>
            check.id === graded.check ? checkResult(check.id, 'skip', { code: 'config.missing' }) : check,
          ),
        );
        const without = gradeReport(leftOut, rubric);
        for (const outcome of outcomes) {
          const present = runReport(allPass.map((check) => (check.id === graded.check ? outcome : check)));
          const withIt = gradeReport(present, rubric);
          expect(without.score, `${rubric.name} ${graded.check}`).toBeLessThanOrEqual(withIt.score);
          if (graded.required) expect(without.max).toBe(withIt.max);
        }
      }
    }
  });

  it('is the points earned over the points possible, whatever the order of the checks', () => {
    const report = runReport([...healthy()].reverse());
    expect(gradeReport(report, albRubric)).toMatchObject({ score: 18, max: 18 });
    expect(gradeReport(report, albRubric)).toEqual(gradeReport(runReport(healthy()), albRubric));
  });

  it('records the rubric, the stack and when the evidence was taken', () => {
    const grade = gradeReport(runReport(healthy(), 's001-stack'), albRubric);
    expect(grade).toMatchObject({
      schema: 'labdrill.grade/1',
      rubric: 'alb-lab',
      stack: 's001-stack',
      gradedAt: '2026-03-01T10:01:00.000Z',
    });
    expect(item(grade, 'efs.shared')).toMatchObject({ criterion: 'Shared files', required: false });
  });
});

describe('notGradedGrade', () => {
  it('says why, scores nothing and marks every item not graded', () => {
    const grade = notGradedGrade(
      albRubric,
      's002',
      'stacks/s002.yaml: no such file',
      new Date('2026-03-01T12:00:00Z'),
    );
    expect(grade).toMatchObject({
      status: 'not-graded',
      score: 0,
      max: 14,
      reasons: ['stacks/s002.yaml: no such file'],
      stack: 's002',
      gradedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(grade.items.every((entry) => entry.status === 'not-graded' && entry.verdict === 'missing')).toBe(
      true,
    );
  });
});
