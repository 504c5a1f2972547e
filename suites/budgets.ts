import { defaults } from '../config/defaults.ts';
import type { Settings } from '../config/settings.ts';
import { groupSettleS, scaleOutCoolDownS } from '../drills/drillPhases.ts';
import { catalog, type CatalogEntry } from './catalog.ts';

// Each check's budget: the most wall time it may take, derived from its thresholds and its own phases, so
// that it holds at AWS's pace (a scale-out of 15 minutes, a scale-in of 30) and not only on the fast twin.
// The runner's timeout for a check is its budget; a stack file's `budgets:` overrides one by id (a course
// capping drills on student accounts). A drill keeps the last part of its budget for its rollback.

const {
  probeBaseS,
  probeRequests,
  rollbackReserveFraction,
  rollbackReserveMinS,
  rollbackReserveMaxS,
  replicaLagThresholdMultiple,
  failoverSettleS,
  failoverVerifyS,
  capacityRollbackS,
  scaleInMarginS,
  efsCommandsS,
} = defaults.checkBudget;

/** Most a probe's requests may take: every attempt of a request timing out, a dozen requests in a row. */
function probeBudgetS(settings: Settings): number {
  const perRequestS = (settings.probe.timeoutMs / 1000) * (settings.probe.retries + 1);
  return Math.ceil(probeBaseS + probeRequests * perRequestS);
}

/** What every drill keeps for its rollback and the steady-state check after it. */
export function rollbackReserveS(budgetS: number): number {
  return Math.min(rollbackReserveMaxS, Math.max(rollbackReserveMinS, budgetS * rollbackReserveFraction));
}

const derived: Readonly<Record<string, (settings: Settings) => number>> = {
  // A policy change is eventually consistent: polls on both sides of it, then the restore.
  's3.website.deny-then-allow': (s) =>
    2 * probeBudgetS(s) + (2 * defaults.s3DenyThenAllow.settleTimeoutMs) / 1000,
  // Samples over several seconds plus the SQL sessions' connect and read timeouts.
  'rds.replica.lag': (s) =>
    probeBudgetS(s) + Math.ceil((replicaLagThresholdMultiple * s.thresholds.replicaLagP95Ms) / 1000),
  // Settle, the observation window (long enough to measure a slow recovery), verify, rollback.
  'rds.failover.drill': (s) => failoverSettleS + s.thresholds.failoverWindowS + failoverVerifyS,
  'aurora.failover.drill': (s) => failoverSettleS + s.thresholds.failoverWindowS + failoverVerifyS,
  // Settle, the load for at most scaleOutTimeoutS and the group watched past it, the cool-down until the
  // alarm sees the load gone, the rollback's capacity change.
  'asg.scale-out.drill': (s) =>
    groupSettleS(s.thresholds.scaleOutTimeoutS) +
    s.thresholds.scaleOutTimeoutS +
    defaults.scaleOut.observeMarginS +
    scaleOutCoolDownS(s.thresholds.scaleOutTimeoutS) +
    capacityRollbackS,
  'asg.scale-in.observe': (s) => s.thresholds.scaleInTimeoutS + scaleInMarginS,
  'asg.self-heal.drill': (s) =>
    groupSettleS(s.thresholds.selfHealTimeoutS) +
    s.thresholds.selfHealTimeoutS +
    defaults.selfHeal.observeMarginS +
    capacityRollbackS,
  // Remote commands through SSM or SSH on every instance, each bounded by its own timeout.
  'efs.shared': (s) => 2 * probeBudgetS(s) + efsCommandsS,
};

/** The budget of `entry`, in whole seconds: the stack file's override, or the one its thresholds give. */
export function budgetFor(entry: CatalogEntry, settings: Settings): number {
  const override = settings.budgets[entry.id];
  if (override !== undefined) return override;
  return Math.ceil((derived[entry.id] ?? probeBudgetS)(settings));
}

/** The ids in the stack file's `budgets:` that name no check. */
export function unknownBudgetIds(settings: Settings): string[] {
  const known = new Set(catalog.map((entry) => entry.id));
  return Object.keys(settings.budgets).filter((id) => !known.has(id));
}
