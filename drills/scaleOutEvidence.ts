// The scale-out drill's evidence: per-second series across the load's stages (requests, latency, errors,
// CPU, desired, InService, healthy targets), its measures, the timeline's phases as events, and the
// scaleOut record the report reads.

import { type GroupSnapshot, healthyTargetIds, inServiceIds } from '../probes/asgObservation/groupState.ts';
import { phaseSeconds } from '../probes/asgObservation/scaleOutTimeline.ts';
import type { DrillContext } from './experiment.ts';
import type { ScaleOutObservation } from './scaleOutObservation.ts';
import { round1 } from './scaleOutVerdict.ts';

/** Per-second figures across the load's stages, for evidence series. */
export interface SeriesRow {
  atMs: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpu: number | null;
  desired: number | null;
  inService: number | null;
  healthy: number | null;
}

export function figuresOf(snapshot: GroupSnapshot | null) {
  return {
    cpu: snapshot?.cpu?.percent ?? null,
    desired: snapshot?.desired ?? null,
    inService: snapshot ? inServiceIds(snapshot).length : null,
    healthy: snapshot ? healthyTargetIds(snapshot).length : null,
  };
}

export function recordScaleOutEvidence(
  ctx: DrillContext,
  seen: ScaleOutObservation,
  rows: readonly SeriesRow[],
  loadStartMs: number,
  loadStartAtMs: number,
): void {
  const { evidence } = ctx;
  evidence.series(
    'requests per second',
    'req/s',
    rows.map((r) => Math.round(r.rps)),
  );
  evidence.series(
    'latency p50',
    'ms',
    rows.map((r) => round1(r.p50)),
  );
  evidence.series(
    'latency p99',
    'ms',
    rows.map((r) => round1(r.p99)),
  );
  evidence.series(
    'errors',
    'count',
    rows.map((r) => r.errors),
  );
  evidence.series(
    'average CPU',
    '%',
    rows.map((r) => round1(r.cpu ?? 0)),
  );
  evidence.series(
    'desired capacity',
    'instances',
    rows.map((r) => r.desired ?? 0),
  );
  evidence.series(
    'InService',
    'instances',
    rows.map((r) => r.inService ?? 0),
  );
  evidence.series(
    'healthy targets',
    'instances',
    rows.map((r) => r.healthy ?? 0),
  );
  evidence.note(
    'series are one value per second of load; average CPU is the newest CloudWatch datapoint known at that second (0 before the first one)',
  );
  evidence.measure('CPU target', seen.cpuTarget, '%');
  if (seen.timeline?.peakCpu != null) evidence.measure('peak average CPU', seen.timeline.peakCpu, '%');
  evidence.measure('peak desired capacity', seen.timeline?.peakDesired ?? seen.original.desired, 'instances');
  evidence.measure('load requests', seen.load.requests, 'requests');
  evidence.measure('load errors', seen.load.errors, 'requests');
  evidence.measure('load duration', seen.load.durationS, 's', `stopped by ${seen.load.stoppedBy}`);
  if (seen.timeline) {
    for (const phase of phaseSeconds(seen.timeline, loadStartMs)) {
      evidence.measure(`${phase.name} after load start`, phase.s, 's');
    }
    for (const phase of seen.timeline.phases) {
      if (phase.name === 'load start') continue;
      evidence.event(`scale-out: ${phase.name}`, phase.detail, loadStartAtMs + (phase.atMs - loadStartMs));
    }
    evidence.set('scaleOut', {
      group: seen.groupName,
      original: { ...seen.original, instanceIds: [...seen.original.instanceIds] },
      policy: seen.policy ? { ...seen.policy } : null,
      alarm: seen.timeline.alarm
        ? {
            alarmName: seen.timeline.alarm.alarmName,
            policyName: seen.timeline.alarm.policyName,
            from: seen.timeline.alarm.from,
            to: seen.timeline.alarm.to,
            afterLoadStartS:
              seen.timeline.alarm.atMs === null
                ? null
                : round1((seen.timeline.alarm.atMs - loadStartMs) / 1000),
          }
        : null,
      newInstances: seen.timeline.instances.slice(0, 20).map((i) => ({
        id: i.id,
        availabilityZone: i.availabilityZone,
        launchStatus: i.launchStatus,
        inServiceAfterS: i.inServiceAtMs === null ? null : round1((i.inServiceAtMs - loadStartMs) / 1000),
        healthyAfterS: i.healthyAtMs === null ? null : round1((i.healthyAtMs - loadStartMs) / 1000),
        servingAfterS: i.servingAtMs === null ? null : round1((i.servingAtMs - loadStartMs) / 1000),
        lastTargetState: i.lastTargetState,
      })),
      failedLaunches: seen.timeline.failedLaunches.map((f) => ({ ...f })),
    });
  }
  for (const failure of seen.observerFailures) evidence.note(`a look at the group failed: ${failure}`);
}
