import { defaults } from './defaults.ts';
import type { Stack } from './schema.ts';

/** How long a failover drill watches after the call: long enough to measure a recovery slower than the RTO. */
export function defaultFailoverWindowS(failoverRtoS: number): number {
  return Math.max(defaults.failoverWindow.rtoMultiple * failoverRtoS, defaults.failoverWindow.minS);
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
    /** How long the failover drills watch after the call (default: defaultFailoverWindowS). */
    failoverWindowS: number;
  };
  /** Per-check budget overrides in seconds (stack file `budgets:`), by check id. */
  budgets: Readonly<Record<string, number>>;
}

/** The settings of a run: the stack file's, and the defaults (config/defaults.ts) where it is silent. */
export function settingsFor(stack: Stack): Settings {
  return {
    probe: { ...defaults.probe, ...stack.probe },
    thresholds: {
      ...defaults.thresholds,
      failoverWindowS: defaultFailoverWindowS(
        stack.thresholds?.failoverRtoS ?? defaults.thresholds.failoverRtoS,
      ),
      ...stack.thresholds,
    },
    budgets: { ...stack.budgets },
  };
}
