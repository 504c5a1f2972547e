// Follows a group back down to its minimum after a load: looks at it (a GroupObserver) until desired
// capacity and the InService count are both at the minimum, or the time limit; then lists the terminations
// (instance, time, cause) from the activity history. Read-only.

import { describePolicies, describeScalingActivities } from '../aws/autoScaling.ts';
import { GroupObserver, pollIntervalFor } from './groupObserver.ts';
import { type AsgReadClients, inServiceIds, readGroup } from './groupState.ts';
import { type ScaleInVerdictInput, type Termination, terminationsOf } from './scaleInSummary.ts';

export interface ScaleInObservation extends ScaleInVerdictInput {
  /** desired / InService per look, for evidence series. */
  desiredSeries: number[];
  inServiceSeries: number[];
  failures: string[];
}

export interface ObserveScaleInOptions {
  timeoutS: number;
  pollEveryMs?: number;
  signal?: AbortSignal;
  onLook?: (desired: number, inService: number) => void;
}

export async function observeScaleIn(
  clients: AsgReadClients,
  groupName: string,
  options: ObserveScaleInOptions,
): Promise<ScaleInObservation> {
  const [first, policies] = await Promise.all([
    readGroup(clients, groupName, { cpu: false, activities: 0 }),
    describePolicies(clients.autoScaling, groupName),
  ]);
  const min = first.snapshot.minSize;
  const start = { desired: first.snapshot.desired, inService: inServiceIds(first.snapshot).length };
  const startedAt = Date.now();
  const atMinimum = (desired: number, inService: number) => desired <= min && inService <= min;
  let end = start;
  const observer = new GroupObserver({
    read: () => readGroup(clients, groupName, { cpu: false, activities: 0 }),
    everyMs: options.pollEveryMs ?? pollIntervalFor(options.timeoutS),
    maxDurationMs: options.timeoutS * 1000,
    ...(options.signal ? { signal: options.signal } : {}),
    onSnapshot: (snapshot) => {
      end = { desired: snapshot.desired, inService: inServiceIds(snapshot).length };
      options.onLook?.(end.desired, end.inService);
    },
    stopWhen: (snapshot) => atMinimum(snapshot.desired, inServiceIds(snapshot).length),
  });
  if (!atMinimum(start.desired, start.inService)) {
    observer.start();
    await observer.done;
  }
  const activities = await describeScalingActivities(clients.autoScaling, groupName, 50);
  const recent: Termination[] = terminationsOf(activities);
  // Only this observation's terminations when it watched one; the latest ones from history otherwise.
  const terminations = atMinimum(start.desired, start.inService)
    ? recent.slice(-Math.max(1, recent.length > 0 ? countLastBatch(recent) : 0))
    : recent.filter((t) => t.atMs === null || t.atMs >= startedAt - 60_000);
  const scaleInDisabled = policies.some(
    (p) => p.PolicyType === 'TargetTrackingScaling' && p.TargetTrackingConfiguration?.DisableScaleIn === true,
  );
  return {
    groupName,
    min,
    start,
    end,
    timeoutS: options.timeoutS,
    elapsedS: (Date.now() - startedAt) / 1000,
    terminations,
    scaleInDisabled,
    desiredSeries: observer.snapshots.map((s) => s.desired),
    inServiceSeries: observer.snapshots.map((s) => inServiceIds(s).length),
    failures: observer.failures,
  };
}

/** How many of the newest terminations belong to the last scale-in (started within an hour of the newest). */
function countLastBatch(terminations: readonly Termination[]): number {
  const newest = terminations.at(-1)?.atMs ?? null;
  if (newest === null) return 1;
  return terminations.filter((t) => t.atMs !== null && newest - t.atMs <= 3_600_000).length;
}
