import type { Stack } from '../config/schema.ts';
import type { Settings } from '../config/settings.ts';
import { untilAborted } from '../drills/untilAborted.ts';
import { errorCodeOf } from '../probes/errorClassification.ts';
import { CodedError, type ErrorCode } from '../reports/errorCodes.ts';
import { boundText, type CheckResult, EvidenceRecorder, type Verdict } from '../reports/evidence.ts';
import { budgetFor, rollbackReserveS } from './budgets.ts';
import { type CatalogEntry, catalogEntry } from './catalog.ts';
import { type RunContext, runContext } from './runContext.ts';

// How a suite states a check: `check(id, async (c) => …)` returns an outcome; this module runs it within its
// budget and turns whatever happens into a verdict with evidence, and hands it to the run's runner (vitest,
// or the in-process runner).

export interface Outcome {
  verdict: Exclude<Verdict, 'error'>;
  reason: string;
  fix?: string;
  /** For a skip: why it could not run (reports/errorCodes.ts). */
  errorCode?: ErrorCode;
}

export const passed = (reason: string): Outcome => ({ verdict: 'pass', reason });
export const failed = (reason: string, fix?: string): Outcome => ({
  verdict: 'fail',
  reason,
  ...(fix ? { fix } : {}),
});
/** A skip; by default because a stack-file input is missing (`config.missing`). */
export const skipped = (reason: string, errorCode: ErrorCode = 'config.missing'): Outcome => ({
  verdict: 'skip',
  reason,
  errorCode,
});

export interface CheckContext {
  stack: Stack;
  settings: Settings;
  evidence: EvidenceRecorder;
  /** Aborts when the check runs past its budget; pass it to every wait and call. */
  signal: AbortSignal;
  /** The check's budget, in seconds (suites/budgets.ts). */
  budgetS: number;
  /** The run the check belongs to (its journal, known hosts, --only, --chaos), as it was collected. */
  run: RunContext;
}

export function check(id: string, body: (c: CheckContext) => Promise<Outcome>): void {
  const entry = catalogEntry(id);
  const context = runContext();
  if (context.only && !context.only.has(id)) return;
  const budgetS = budgetFor(entry, context.settings);
  context.register({ entry, budgetS, judge: () => judgeCheck(entry, context, budgetS, body) });
}

/** Runs one check within its budget; whatever happens becomes its verdict, reason, code and evidence. */
async function judgeCheck(
  entry: CatalogEntry,
  context: RunContext,
  budgetS: number,
  body: (c: CheckContext) => Promise<Outcome>,
): Promise<CheckResult> {
  // A drill is stopped early enough for its rollback to fit in the budget, and returns only after it.
  const abortAfterS = entry.kind === 'drill' ? budgetS - rollbackReserveS(budgetS) : budgetS;
  const evidence = new EvidenceRecorder();
  const startedAt = new Date();
  const budget = new AbortController();
  const timer = setTimeout(
    () =>
      budget.abort(new CodedError('budget-exceeded', `ran past its budget of ${budgetS} s and was stopped`)),
    abortAfterS * 1000,
  );
  let outcome: Outcome | undefined;
  let errorReason: string | undefined;
  let errorCode: ErrorCode | undefined;
  try {
    const run = body({
      stack: context.stack,
      settings: context.settings,
      evidence,
      signal: budget.signal,
      budgetS,
      run: context,
    });
    run.catch(() => {}); // a probe's body may go on after its budget; its late failure is moot
    outcome = await (entry.kind === 'drill' ? run : untilAborted(run, budget.signal));
    errorCode = outcome.verdict === 'skip' ? (outcome.errorCode ?? 'config.missing') : undefined;
  } catch (error) {
    errorReason = error instanceof Error ? error.message : String(error);
    const code = errorCodeOf(error);
    errorCode = budget.signal.aborted && code !== 'rollback-failed' ? 'budget-exceeded' : code;
  } finally {
    clearTimeout(timer);
  }
  const verdict: Verdict = outcome?.verdict ?? 'error';
  const reason = boundText(
    (outcome?.reason ?? `could not measure: ${errorReason}`).split('\n')[0] ?? '',
    500,
  );
  return {
    id: entry.id,
    title: entry.title,
    kind: entry.kind,
    needs: entry.needs,
    verdict,
    reason,
    ...(errorCode ? { errorCode } : {}),
    ...(outcome?.fix ? { fix: boundText(outcome.fix, 500) } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    budgetS,
    evidence: evidence.evidence,
  };
}
