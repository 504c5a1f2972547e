// The scale-out as a timeline, from what was observed: load start → alarm (from the activity's cause) →
// desired capacity raised → each new instance launched → InService → healthy in the target group →
// serving traffic (seen in the load's per-target sampling). Pure: the drill gathers, this orders.

import type { Activity } from '@aws-sdk/client-auto-scaling';
import { activityAction, activityInstanceId, describeCause, parseActivityCause } from './activityCause.ts';
import { type GroupSnapshot, healthyTargetIds } from './groupState.ts';

export interface ServedSecond {
  /** Epoch ms at the end of the second. */
  atMs: number;
  /** Sampled responses per instance id in that second. */
  targets: Record<string, number>;
}

export interface ScaleOutInput {
  loadStartMs: number;
  /** When the load stopped; null while it runs. */
  loadEndMs: number | null;
  original: { min: number; desired: number; max: number; instanceIds: readonly string[] };
  snapshots: readonly GroupSnapshot[];
  /** The group's activities since the drill began (older ones left out). */
  activities: readonly Activity[];
  served: readonly ServedSecond[];
}

export interface NewInstance {
  id: string;
  availabilityZone: string | null;
  launchStartedAtMs: number | null;
  launchStatus: string | null;
  /** StatusMessage of a failed launch. */
  launchMessage: string | null;
  inServiceAtMs: number | null;
  healthyAtMs: number | null;
  servingAtMs: number | null;
  /** The target state last seen, e.g. unhealthy, with its reason. */
  lastTargetState: string | null;
}

export interface AlarmTrigger {
  atMs: number | null;
  alarmName: string;
  policyName: string;
  from: number | null;
  to: number | null;
}

export interface Phase {
  name: string;
  atMs: number;
  detail?: string;
}

export interface ScaleOutTimeline {
  alarm: AlarmTrigger | null;
  desiredRaisedAtMs: number | null;
  peakDesired: number;
  peakCpu: number | null;
  /** How many instances beyond the original desired capacity the group asked for at its peak. */
  wanted: number;
  instances: NewInstance[];
  failedLaunches: { description: string; statusMessage: string; cause: string }[];
  /** Desired rose, and as many new instances as it rose by are InService and healthy (when attached). */
  complete: boolean;
  /** Ordered by time. */
  phases: Phase[];
}

function firstAt<T>(items: readonly T[], test: (item: T) => boolean, at: (item: T) => number): number | null {
  for (const item of items) if (test(item)) return at(item);
  return null;
}

/** The AlarmHigh trigger among the activities' causes, the earliest one. */
export function findAlarmTrigger(activities: readonly Activity[]): AlarmTrigger | null {
  let found: AlarmTrigger | null = null;
  for (const activity of activities) {
    for (const segment of parseActivityCause(activity.Cause)) {
      if (segment.kind !== 'alarm' || segment.alarmSide === 'low') continue;
      if (segment.from !== undefined && segment.to !== undefined && segment.to <= segment.from) continue;
      const candidate: AlarmTrigger = {
        atMs: segment.atMs,
        alarmName: segment.alarmName ?? '',
        policyName: segment.policyName ?? '',
        from: segment.from ?? null,
        to: segment.to ?? null,
      };
      if (
        found === null ||
        (candidate.atMs !== null && (found.atMs === null || candidate.atMs < found.atMs))
      ) {
        found = candidate;
      }
    }
  }
  return found;
}

export function analyzeScaleOut(input: ScaleOutInput): ScaleOutTimeline {
  const original = new Set(input.original.instanceIds);
  const snapshots = [...input.snapshots].sort((a, b) => a.atMs - b.atMs);
  const attached = snapshots.some((s) => s.targetGroupArns.length > 0);
  const peakDesired = Math.max(input.original.desired, ...snapshots.map((s) => s.desired));
  const cpus = snapshots.map((s) => s.cpu?.percent).filter((v): v is number => typeof v === 'number');
  const desiredRaisedAtMs = firstAt(
    snapshots,
    (s) => s.desired > input.original.desired,
    (s) => s.atMs,
  );

  const byId = new Map<string, NewInstance>();
  const entry = (id: string): NewInstance => {
    let found = byId.get(id);
    if (!found) {
      found = {
        id,
        availabilityZone: null,
        launchStartedAtMs: null,
        launchStatus: null,
        launchMessage: null,
        inServiceAtMs: null,
        healthyAtMs: null,
        servingAtMs: null,
        lastTargetState: null,
      };
      byId.set(id, found);
    }
    return found;
  };

  const failedLaunches: ScaleOutTimeline['failedLaunches'] = [];
  for (const activity of input.activities) {
    if (activityAction(activity.Description) !== 'launch') continue;
    const id = activityInstanceId(activity.Description);
    if (activity.StatusCode === 'Failed' || activity.StatusCode === 'Cancelled') {
      failedLaunches.push({
        description: (activity.Description ?? '').slice(0, 300),
        statusMessage: (activity.StatusMessage ?? '').slice(0, 300),
        cause: describeCause(parseActivityCause(activity.Cause)),
      });
    }
    if (!id || original.has(id)) continue;
    const instance = entry(id);
    instance.launchStartedAtMs = activity.StartTime?.getTime() ?? null;
    instance.launchStatus = activity.StatusCode ?? null;
    if (activity.StatusMessage) instance.launchMessage = activity.StatusMessage.slice(0, 300);
  }

  for (const snapshot of snapshots) {
    const healthy = new Set(healthyTargetIds(snapshot));
    for (const seen of snapshot.instances) {
      if (!seen.id || original.has(seen.id)) continue;
      const instance = entry(seen.id);
      instance.availabilityZone ??= seen.availabilityZone;
      if (seen.lifecycle === 'InService' && instance.inServiceAtMs === null)
        instance.inServiceAtMs = snapshot.atMs;
      if (healthy.has(seen.id) && instance.healthyAtMs === null) instance.healthyAtMs = snapshot.atMs;
    }
    for (const target of snapshot.targets) {
      if (original.has(target.id) || !byId.has(target.id)) continue;
      entry(target.id).lastTargetState = target.reason ? `${target.state} (${target.reason})` : target.state;
    }
  }

  for (const second of [...input.served].sort((a, b) => a.atMs - b.atMs)) {
    for (const [id, count] of Object.entries(second.targets)) {
      if (count <= 0 || original.has(id)) continue;
      const instance = byId.get(id);
      if (instance && instance.servingAtMs === null) instance.servingAtMs = second.atMs;
    }
  }

  const instances = [...byId.values()].sort(
    (a, b) => (a.launchStartedAtMs ?? a.inServiceAtMs ?? 0) - (b.launchStartedAtMs ?? b.inServiceAtMs ?? 0),
  );
  const wanted = Math.max(0, Math.min(peakDesired, input.original.max) - input.original.desired);
  const ready = instances.filter((i) => i.inServiceAtMs !== null && (!attached || i.healthyAtMs !== null));
  const complete = wanted > 0 && ready.length >= wanted;
  const alarm = findAlarmTrigger(input.activities);

  const phases: Phase[] = [{ name: 'load start', atMs: input.loadStartMs }];
  if (alarm?.atMs != null) {
    phases.push({
      name: 'alarm',
      atMs: alarm.atMs,
      detail: `${alarm.alarmName} in state ALARM triggered ${alarm.policyName}${alarm.to !== null ? ` (desired ${alarm.from} → ${alarm.to})` : ''}`,
    });
  }
  if (desiredRaisedAtMs !== null) {
    phases.push({
      name: 'desired raised',
      atMs: desiredRaisedAtMs,
      detail: `desired ${input.original.desired} → ${peakDesired}`,
    });
  }
  const earliest = (pick: (i: NewInstance) => number | null) =>
    instances
      .map(pick)
      .filter((v): v is number => v !== null)
      .sort((a, b) => a - b);
  const launched = earliest((i) => i.launchStartedAtMs);
  if (launched[0] !== undefined) phases.push({ name: 'instance launched', atMs: launched[0] });
  const inService = earliest((i) => i.inServiceAtMs);
  if (inService[0] !== undefined) phases.push({ name: 'instance InService', atMs: inService[0] });
  const healthy = earliest((i) => i.healthyAtMs);
  if (healthy[0] !== undefined) phases.push({ name: 'healthy in target group', atMs: healthy[0] });
  const serving = earliest((i) => i.servingAtMs);
  if (serving[0] !== undefined) phases.push({ name: 'serving traffic', atMs: serving[0] });
  if (complete) {
    const doneAt = Math.max(
      ...ready.slice(0, wanted).map((i) => (attached ? i.healthyAtMs! : i.inServiceAtMs!)),
    );
    phases.push({ name: 'scale-out complete', atMs: doneAt, detail: `${wanted} new instance(s) ready` });
  }
  if (input.loadEndMs !== null) phases.push({ name: 'load stopped', atMs: input.loadEndMs });
  phases.sort((a, b) => a.atMs - b.atMs);

  return {
    alarm,
    desiredRaisedAtMs,
    peakDesired,
    peakCpu: cpus.length > 0 ? Math.max(...cpus) : null,
    wanted,
    instances,
    failedLaunches: failedLaunches.slice(0, 20),
    complete,
    phases,
  };
}

/** Seconds from load start to each phase, for measurements. */
export function phaseSeconds(timeline: ScaleOutTimeline, loadStartMs: number): { name: string; s: number }[] {
  return timeline.phases
    .filter((p) => p.name !== 'load start')
    .map((p) => ({ name: p.name, s: Math.round((p.atMs - loadStartMs) / 100) / 10 }));
}
