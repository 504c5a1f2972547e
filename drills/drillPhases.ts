// The lengths of the drills' own phases that their budgets (suites/budgets.ts) are made of, derived from
// the drills' thresholds so that they hold at AWS's pace as well as on the fast twin. The shares and bounds
// are groupSettle and scaleOutCoolDown in config/defaults.ts.

import { defaults } from '../config/defaults.ts';

/**
 * How long a drill waits for its group to be at rest before it starts, from the drill's own timeout: a
 * just-deployed target still 'initial', or the instances an earlier drill's rollback removed still draining
 * for the deregistration delay (ELB's default 300 s) and shutting down. Half the timeout on the fast
 * twin; at AWS's pace (timeouts of 900 s) it reaches the 480 s cap.
 */
export function groupSettleS(timeoutS: number): number {
  const { timeoutFraction, minS, maxS } = defaults.groupSettle;
  return Math.min(maxS, Math.max(minS, timeoutS * timeoutFraction));
}

/**
 * After the load, how long the drill waits for the policy's AlarmHigh to leave ALARM before the rollback
 * puts the capacity back: while it stays in ALARM the policy would raise desired again. CloudWatch's data
 * arrives minutes late, so at AWS's pace (timeouts of 900 s) this is the 360 s cap.
 */
export function scaleOutCoolDownS(timeoutS: number): number {
  const { timeoutFraction, minS, maxS } = defaults.scaleOutCoolDown;
  return Math.min(maxS, Math.max(minS, timeoutS * timeoutFraction));
}
