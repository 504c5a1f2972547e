import { type ErrorCode, isErrorCode, isHarnessSide } from '../errorCodes.ts';
import type { CheckResult, RunReport } from '../evidence.ts';
import type { Grade, GradedPart, GradeItem, Rubric, RubricItem } from './gradeModel.ts';
import { roundPoints } from './rubricSchema.ts';

// One stack's grade against a rubric, from its report alone (pure: the same report and rubric always give
// the same grade). The rules keep scores honest:
//   pass                           → every point of the item
//   fail                           → the points of the rubric parts that passed in evidence.parts (else 0)
//   skip, the stack lacks an input → required: 0 ("skipped: …"); optional: not attempted, not counted
//   skip on the grader's side      → not run (e.g. drills without --chaos), not counted, listed
//   error on the stack's side      → 0
//   error on the grader's side     → the student is not graded (no score), with the reason
//   check missing from the report  → not graded ("check X was not run")
// So leaving a section out of a stack file never raises a score: what it skips scores 0 where required.

export function gradeReport(report: RunReport, rubric: Rubric): Grade {
  const checks = Array.isArray(report.checks) ? report.checks : [];
  const byId = new Map<string, CheckResult>();
  for (const check of checks) if (!byId.has(check.id)) byId.set(check.id, check);

  const items = rubric.items.map((item) => gradeItem(item, byId.get(item.check)));
  const reasons = items
    .filter((item) => item.status === 'not-graded')
    .map((item) => `${item.check}: ${item.why}`);
  const status = reasons.length > 0 ? 'not-graded' : 'graded';
  const earned = roundPoints(items.reduce((total, item) => total + item.points, 0));
  return {
    schema: 'labdrill.grade/1',
    rubric: rubric.name,
    stack: typeof report.stack?.name === 'string' ? report.stack.name : '',
    status,
    score: status === 'graded' ? earned : 0,
    max: roundPoints(items.reduce((total, item) => total + item.max, 0)),
    reasons,
    items,
    // The moment the evidence describes, so that grading the same report twice gives the same grade.
    gradedAt: typeof report.endedAt === 'string' ? report.endedAt : '',
  };
}

/** The error code of a check entry, when it is one labdrill knows (report.json is read back from disk). */
function knownCode(check: CheckResult): ErrorCode | undefined {
  return typeof check.errorCode === 'string' && isErrorCode(check.errorCode) ? check.errorCode : undefined;
}

function gradeItem(item: RubricItem, check: CheckResult | undefined): GradeItem {
  const base = { check: item.check, criterion: item.criterion, required: item.required };
  if (!check) {
    return {
      ...base,
      status: 'not-graded',
      points: 0,
      max: item.points,
      verdict: 'missing',
      why: `check ${item.check} was not run (it is not in the report)`,
    };
  }
  const code = knownCode(check);
  const withCode = { ...base, verdict: check.verdict, ...(code ? { errorCode: code } : {}) };
  const reason = oneLine(check.reason);
  switch (check.verdict) {
    case 'pass':
      return {
        ...withCode,
        status: 'earned',
        points: item.points,
        max: item.points,
        why: reason,
        ...(item.parts ? { parts: gradeParts(item.parts, check, true) } : {}),
      };
    case 'fail': {
      const parts = item.parts ? gradeParts(item.parts, check, false) : undefined;
      const points = roundPoints(parts ? parts.reduce((total, part) => total + part.points, 0) : 0);
      return {
        ...withCode,
        status: points >= item.points ? 'earned' : points > 0 ? 'partial' : 'lost',
        points,
        max: item.points,
        why: reason,
        ...(parts ? { parts } : {}),
      };
    }
    case 'skip':
      if (!code) return unclassified(withCode, item, 'skipped', reason);
      if (isHarnessSide(code)) {
        return { ...withCode, status: 'not-run', points: 0, max: 0, why: `not run: ${reason}` };
      }
      return item.required
        ? { ...withCode, status: 'lost', points: 0, max: item.points, why: `skipped: ${reason}` }
        : { ...withCode, status: 'not-attempted', points: 0, max: 0, why: `not attempted: ${reason}` };
    case 'error':
      if (!code) return unclassified(withCode, item, 'errored', reason);
      if (isHarnessSide(code)) {
        return {
          ...withCode,
          status: 'not-graded',
          points: 0,
          max: item.points,
          why: `the grader's side failed (${code}): ${reason}`,
        };
      }
      return { ...withCode, status: 'lost', points: 0, max: item.points, why: `error (${code}): ${reason}` };
    default:
      return unclassified(withCode, item, `ended as ${oneLine(String(check.verdict))}`, reason);
  }
}

/**
 * A skip or error without a known code cannot be told apart: counting it against the student or leaving
 * it out could both be wrong, so the student is not graded until it is looked at.
 */
function unclassified(
  base: Omit<GradeItem, 'status' | 'points' | 'max' | 'why'>,
  item: RubricItem,
  what: string,
  reason: string,
): GradeItem {
  return {
    ...base,
    status: 'not-graded',
    points: 0,
    max: item.points,
    why: `the check ${what} without a known error code, so whose side it is cannot be told: ${reason}`,
  };
}

/**
 * The rubric's parts against the check's evidence. A passed check earns every part; a failed one earns
 * the parts its evidence says passed. A part the evidence does not mention earns nothing on a failed check.
 */
function gradeParts(parts: Record<string, number>, check: CheckResult, checkPassed: boolean): GradedPart[] {
  const evidenceParts = Array.isArray(check.evidence?.parts) ? check.evidence.parts : [];
  return Object.entries(parts).map(([name, max]) => {
    const seen = evidenceParts.find((part) => part.name === name);
    const passed = checkPassed || seen?.passed === true;
    return {
      name,
      points: passed ? max : 0,
      max,
      passed,
      detail: seen ? oneLine(seen.detail) : checkPassed ? 'the check passed' : 'not measured by the check',
    };
  });
}

/** Reasons are one line already; a report read back from disk may not keep that promise. */
function oneLine(text: unknown): string {
  const flat = (typeof text === 'string' ? text : '').replace(/[\r\n\t]+/g, ' ').trim();
  return flat.length > 600 ? `${flat.slice(0, 600)}…` : flat;
}

/**
 * The grade of a student whose checks could not run at all (their stack file does not load, discovery failed,
 * labdrill crashed): not graded, with the reason on every item, never a silent 0.
 */
export function notGradedGrade(rubric: Rubric, stack: string, reason: string, at = new Date()): Grade {
  const why = reason.split('\n')[0]!.slice(0, 500);
  const items: GradeItem[] = rubric.items.map((item) => ({
    check: item.check,
    criterion: item.criterion,
    required: item.required,
    status: 'not-graded',
    points: 0,
    max: item.required ? item.points : 0,
    verdict: 'missing',
    why,
  }));
  return {
    schema: 'labdrill.grade/1',
    rubric: rubric.name,
    stack,
    status: 'not-graded',
    score: 0,
    max: roundPoints(items.reduce((total, item) => total + item.max, 0)),
    reasons: [why],
    items,
    gradedAt: at.toISOString(),
  };
}
