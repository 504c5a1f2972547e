import type { ErrorCode } from '../../../reports/errorCodes.ts';
import {
  type CheckPart,
  type CheckResult,
  emptyEvidence,
  type RunReport,
  type Verdict,
} from '../../../reports/evidence.ts';
import type { Rubric } from '../../../reports/grading/gradeModel.ts';
import { catalogEntry } from '../../../suites/catalog.ts';

// Reports and rubrics built by hand for the grading tests: each test says exactly which verdicts,
// codes and parts the report holds, so the expected score can be worked out on paper.

export function checkResult(
  id: string,
  verdict: Verdict,
  options: { code?: ErrorCode; reason?: string; parts?: CheckPart[]; fix?: string } = {},
): CheckResult {
  const entry = catalogEntry(id);
  return {
    id,
    title: entry.title,
    kind: entry.kind,
    needs: entry.needs,
    verdict,
    reason: options.reason ?? `${id} ${verdict}`,
    ...(options.code ? { errorCode: options.code } : {}),
    ...(options.fix ? { fix: options.fix } : {}),
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 1200,
    budgetS: 60,
    evidence: { ...emptyEvidence(), parts: options.parts ?? [] },
  };
}

export function part(name: string, passed: boolean, detail = `${name} seen`): CheckPart {
  return { name, passed, detail };
}

export function runReport(checks: CheckResult[], stackName = 'student-stack'): RunReport {
  const summary = { pass: 0, fail: 0, error: 0, skip: 0, total: checks.length };
  for (const check of checks) summary[check.verdict] += 1;
  return {
    schema: 'labdrill.report/1',
    labdrill: { version: '0.1.0' },
    stack: { name: stackName, region: 'ap-northeast-2', file: '/tmp/stack.yaml' },
    startedAt: '2026-03-01T10:00:00.000Z',
    endedAt: '2026-03-01T10:01:00.000Z',
    durationMs: 60_000,
    options: { only: null, chaos: false },
    twin: null,
    summary,
    checks,
  };
}

/** The issue's own example plus one item of each kind the rules tell apart. */
export const albRubric: Rubric = {
  name: 'alb-lab',
  title: 'ALB lab',
  items: [
    {
      check: 'alb.round-robin',
      criterion: 'Round robin',
      points: 5,
      required: true,
      parts: { 'every-target': 2, 'both-azs': 2, 'even-shares': 1 },
    },
    { check: 'alb.targets.healthy', criterion: 'Healthy targets', points: 3, required: true },
    { check: 'efs.shared', criterion: 'Shared files', points: 4, required: false },
    {
      check: 'asg.scale-out.drill',
      criterion: 'Scale out',
      points: 6,
      required: true,
      parts: { 'alarm-fired': 2, 'desired-rose': 2, 'new-instances-healthy': 2 },
    },
  ],
};
