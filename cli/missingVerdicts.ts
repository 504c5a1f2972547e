import type { Settings } from '../config/settings.ts';
import type { ErrorCode } from '../reports/errorCodes.ts';
import { boundText, type CheckResult, emptyEvidence } from '../reports/evidence.ts';
import { budgetFor } from '../suites/budgets.ts';
import type { CatalogEntry } from '../suites/catalog.ts';

// No check vanishes from a report: every check that was asked for but reached no labdrill verdict (its runner
// was lost, its suite file failed to load) becomes an `error` record with a code.

export interface MissingVerdictInputs {
  /** The checks the run asked for. */
  expected: readonly CatalogEntry[];
  /** The verdicts the checks reached. */
  results: readonly CheckResult[];
  /** Errors outside any test (suite files that failed to load, unhandled errors). */
  runErrors: readonly string[];
  /** When the run started, for the records' start time. */
  startedAt: Date;
  /** The run's settings, whose budgets (suites/budgets.ts) these records carry too. */
  settings: Settings;
}

export function missingVerdicts(inputs: MissingVerdictInputs): CheckResult[] {
  const judged = new Set(inputs.results.map((r) => r.id));
  const elsewhere = inputs.runErrors[0];
  return inputs.expected
    .filter((entry) => !judged.has(entry.id))
    .map((entry): CheckResult => {
      const errorCode: ErrorCode = 'internal';
      const reason = `the check never reported a verdict${elsewhere ? `: ${elsewhere}` : ' (its runner ended or its suite did not run)'}`;
      return {
        id: entry.id,
        title: entry.title,
        kind: entry.kind,
        needs: [...entry.needs],
        verdict: 'error',
        reason: boundText(reason, 500),
        errorCode,
        startedAt: inputs.startedAt.toISOString(),
        durationMs: 0,
        budgetS: budgetFor(entry, inputs.settings),
        evidence: emptyEvidence(),
      };
    });
}
