import type { Stack } from './schema.ts';

/** Defaults applied where the stack file is silent; reports state the values used. */
export const defaultSettings = {
  probe: { timeoutMs: 5_000, retries: 2, maxBodyBytes: 1024 * 1024, speedupSamples: 15 },
  // AWS's own pace (DESIGN "Time"): a scale-out takes 5–15 min, a scale-in 15–25, a replacement about 10.
  thresholds: {
    replicaLagP95Ms: 2_000,
    failoverRtoS: 120,
    scaleOutTimeoutS: 900,
    scaleInTimeoutS: 1_800,
    selfHealTimeoutS: 900,
  },
} as const;

/** How long a failover drill watches after the call: long enough to measure a recovery slower than the RTO. */
export function defaultFailoverWindowS(failoverRtoS: number): number {
  return Math.max(2 * failoverRtoS, 300);
}

export interface Settings {
  probe: { timeoutMs: number; retries: number; maxBodyBytes: number; speedupSamples: number };
  thresholds: {
    replicaLagP95Ms: number;
    failoverRtoS: number;
    scaleOutTimeoutS: number;
    scaleInTimeoutS: number;
    /** How long asg.self-heal.drill gives the group to replace the instance it took away. */
    selfHealTimeoutS: number;
    /** How long the failover drills watch after the call (default max(2 × failoverRtoS, 300 s)). */
    failoverWindowS: number;
  };
  /** Per-check budget overrides in seconds (stack file `budgets:`), by check id. */
  budgets: Readonly<Record<string, number>>;
}

export function settingsFor(stack: Stack): Settings {
  return {
    probe: { ...defaultSettings.probe, ...stack.probe },
    thresholds: {
      ...defaultSettings.thresholds,
      failoverWindowS: defaultFailoverWindowS(
        stack.thresholds?.failoverRtoS ?? defaultSettings.thresholds.failoverRtoS,
      ),
      ...stack.thresholds,
    },
    budgets: { ...stack.budgets },
  };
}
