// After a scale-out's load, waits (bounded, through the one polling loop) for the target-tracking policy's
// AlarmHigh alarms to leave ALARM: while one stays in ALARM the policy would raise desired capacity again
// after the rollback put it back. A failed look counts as "still in ALARM"; the next one may succeed.

import { alarmStates } from '../aws/cloudWatch.ts';
import { pollUntil } from '../poller.ts';
import type { AsgReadClients } from './groupState.ts';

/** The seconds it took until none of `alarms` was in ALARM, or null when that did not happen in time. */
export async function waitForAlarmsToClear(
  cloudWatch: AsgReadClients['cloudWatch'],
  alarms: readonly string[],
  options: { limitS: number; everyMs: number; signal: AbortSignal },
): Promise<number | null> {
  const started = Date.now();
  const outcome = await pollUntil(
    () => alarmStates(cloudWatch, alarms, options.signal).catch(() => null),
    (states) => states !== null && alarms.every((name) => states.get(name) !== 'ALARM'),
    { everyMs: options.everyMs, maxDurationMs: options.limitS * 1000, signal: options.signal },
  );
  return outcome.met ? (Date.now() - started) / 1000 : null;
}
