import { defaults } from '../config/defaults.ts';
import type { CheckResult } from '../reports/evidence.ts';
import type { CatalogEntry } from './catalog.ts';

// A check as the suite files state it, before any runner takes it: its catalog entry, its budget, and the
// function that runs it to a verdict. vitest (suites/vitestRegistration.ts) and the in-process runner
// (cli/runInProcess.ts) both take these.

export interface CheckDefinition {
  entry: CatalogEntry;
  /** The check's budget in seconds (suites/budgets.ts). */
  budgetS: number;
  /** Runs the check within its budget and resolves to its verdict and evidence; never rejects. */
  judge: () => Promise<CheckResult>;
}

/** Seconds past a check's budget before the runner itself gives up on it: room to report the verdict. */
export const reportGraceS = defaults.checkBudget.reportGraceS;

/** Probes are read-only and may run side by side; drills, and probes that watch what a drill left, may not. */
export function runsConcurrently(entry: CatalogEntry): boolean {
  return entry.kind === 'probe' && !entry.afterDrills;
}

/**
 * The order a run starts its side-by-side checks in: the longest budgets first (catalog order among equals).
 * A run then ends with its longest check, not with a long one that waited for a slot behind short ones.
 */
export function inStartOrder(definitions: readonly CheckDefinition[]): CheckDefinition[] {
  return [...definitions].sort((a, b) => b.budgetS - a.budgetS);
}
