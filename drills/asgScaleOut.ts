// asg.scale-out.drill: the lab's `ab -n 200000 -c 1000 http://ALB/`, measured. Load goes through the ALB
// only, in ramp steps until the group's average CPU passes the target-tracking policy's target, then holds
// until desired capacity rises and the new instances are InService and healthy in the target group (or
// the time limit). Meanwhile the group, its targets, CPU and activities are polled into a timeline:
// load start → alarm → desired raised → instance launched → InService → healthy → serving traffic.
//
// The drill changes capacity only through the load. Before the load starts it still journals an
// 'asg.updateCapacity' undo with the original min/desired/max: the rollback (and `labdrill restore` after a
// kill) sets them back, and since desired drops back to the original the group terminates the extra
// instances at once (a user-request scale-in chosen by the termination policy) instead of waiting for the
// AlarmLow alarm. With restoreCapacity false (to watch the policy's own scale-in with asg.scale-in.observe)
// the journal holds a 'none' undo instead: the load ends with the drill, and the policy scales in by itself.

import type { ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { type LoadResult, type LoadSecond, runLoad, type StopReason } from '../loadgen/index.ts';
import { GroupObserver, pollIntervalFor, settleGroup } from '../probes/asgObservation/groupObserver.ts';
import { alarmStates } from '../probes/aws/cloudWatch.ts';
import {
  type AsgReadClients,
  type CpuQuery,
  defaultCpuQuery,
  type GroupSnapshot,
  healthyTargetIds,
  inServiceIds,
  notAtRest,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import {
  analyzeScaleOut,
  phaseSeconds,
  type ScaleOutTimeline,
  type ServedSecond,
} from '../probes/asgObservation/scaleOutTimeline.ts';
import { targetGroupLabel } from '../probes/asgObservation/targetGroupName.ts';
import { describePolicies, describeScalingActivities } from '../probes/aws/autoScaling.ts';
import { type HttpProbeOptions, httpGet } from '../probes/http.ts';
import { type PagePatterns, readInstancePage } from '../probes/page.ts';
import { groupSettleS, scaleOutCoolDownS } from './drillPhases.ts';
import type { CheckPart } from '../reports/evidence.ts';
import { type DrillContext, type DrillOutcome, defineDrill } from './experiment.ts';
import type { UndoAction } from './undoActions.ts';

/** The lab's target value (seed 002), for messages when the group has no policy and the stack file says none. */
export const LAB_CPU_TARGET = 7;

export interface ScaleOutLoadCaps {
  /** Most connections at once; the ramp steps use fractions of it. The lab's ab used -c 1000. */
  connections: number;
  /** Most requests over the whole drill. */
  maxRequests: number;
  /** Overall requests per second cap, if any. */
  rate?: number;
  /** Seconds before an unanswered request counts as a timeout. */
  requestTimeoutS?: number;
}

export const defaultScaleOutLoad: ScaleOutLoadCaps = {
  connections: 1000,
  maxRequests: 2_000_000,
  requestTimeoutS: 10,
};

export interface ScaleOutDrillTarget {
  groupName: string;
  /** The app through the ALB; the load's only allowed host is this URL's host. */
  albUrl: string;
  reads: AsgReadClients;
  /** thresholds.scaleOutTimeoutS: the load's duration cap and the wait for the new instances. */
  timeoutS: number;
  load: ScaleOutLoadCaps;
  http: HttpProbeOptions;
  patterns?: PagePatterns;
  /** Journal an asg.updateCapacity undo (true) or a 'none' undo that lets the policy scale in (false). */
  restoreCapacity: boolean;
  cpu?: CpuQuery;
  /** The lab's CPU target (stack file expect.asg.cpuTarget), named when the group has no policy to read it from. */
  expectedCpuTarget?: number;
  /** Between looks at the group; scaled to timeoutS unless set. */
  pollEveryMs?: number;
}

export interface ScaleOutObservation {
  groupName: string;
  targetGroups: string;
  attached: boolean;
  policy: { name: string; targetValue: number; enabled: boolean; alarmHigh: string[] } | null;
  cpuTarget: number;
  original: { min: number; desired: number; max: number; instanceIds: string[] };
  /** Why no load was sent: the group's sizes leave no room to scale out. */
  blocked: 'max-equals-min' | 'at-max' | null;
  cpuReached: boolean;
  load: {
    stoppedBy: StopReason | 'not run';
    requests: number;
    errors: number;
    non2xx: number;
    durationS: number;
    peakConnections: number;
  };
  timeoutS: number;
  timeline: ScaleOutTimeline | null;
  observerFailures: string[];
}

/** The target-tracking policy on average CPU, if the group has one. */
export function cpuPolicyOf(policies: readonly ScalingPolicy[]): ScaleOutObservation['policy'] {
  const policy = policies.find(
    (p) =>
      p.PolicyType === 'TargetTrackingScaling' &&
      p.TargetTrackingConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ===
        'ASGAverageCPUUtilization',
  );
  const targetValue = policy?.TargetTrackingConfiguration?.TargetValue;
  if (!policy || typeof targetValue !== 'number') return null;
  // Target tracking names its alarms TargetTracking-<group>-AlarmHigh-<uuid> / -AlarmLow-<uuid>.
  const alarmHigh = (policy.Alarms ?? [])
    .map((a) => a.AlarmName ?? '')
    .filter((name) => name.includes('-AlarmHigh-'));
  return {
    name: policy.PolicyName ?? 'the policy',
    targetValue,
    enabled: policy.Enabled !== false,
    alarmHigh,
  };
}

/** Waits (bounded) until none of `alarms` is in ALARM; the seconds it took, or null when it did not happen. */
async function waitForAlarmsToClear(
  ctx: DrillContext,
  cloudWatch: AsgReadClients['cloudWatch'],
  alarms: readonly string[],
  limitS: number,
  everyMs: number,
): Promise<number | null> {
  const started = Date.now();
  for (;;) {
    const states = await alarmStates(cloudWatch, alarms, ctx.signal).catch(() => null);
    if (states && alarms.every((name) => states.get(name) !== 'ALARM')) return (Date.now() - started) / 1000;
    if (Date.now() - started + everyMs > limitS * 1000 || ctx.signal.aborted) return null;
    await ctx.sleep(everyMs);
  }
}

/** Connections per ramp step: 1/16, 1/4 and all of the cap (distinct, at least 1). */
export function rampLevels(cap: number): number[] {
  return [...new Set([Math.ceil(cap / 16), Math.ceil(cap / 4), cap].map((n) => Math.max(1, n)))];
}

/** Seconds each ramp step holds before the next one: a tenth of the time limit, 5 s to 120 s. */
export function rampStepSeconds(timeoutS: number): number {
  return Math.min(120, Math.max(5, Math.round(timeoutS / 10)));
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const pct = (value: number | null) =>
  value === null ? '?' : `${value < 10 ? round1(value) : Math.round(value)}%`;

function blockedBy(min: number, desired: number, max: number): ScaleOutObservation['blocked'] {
  if (max <= min) return 'max-equals-min';
  if (desired >= max) return 'at-max';
  return null;
}

/** New instances InService (and healthy in a target group, when the group is attached to one). */
function readyNewInstances(
  snapshot: GroupSnapshot,
  original: ReadonlySet<string>,
  attached: boolean,
): string[] {
  const healthy = new Set(healthyTargetIds(snapshot));
  return inServiceIds(snapshot).filter((id) => !original.has(id) && (!attached || healthy.has(id)));
}

function steadyStateProblem(snapshot: GroupSnapshot, groupName: string): string | undefined {
  // A group still scaled out could not show the drill's scale-out (or could not scale out at the maximum).
  const scaledOut = notAtRest(snapshot, groupName);
  if (scaledOut) return scaledOut;
  const inService = inServiceIds(snapshot);
  if (inService.length !== snapshot.desired) {
    return `${groupName} has ${inService.length} of ${snapshot.desired} desired instances InService`;
  }
  if (snapshot.targetGroupArns.length === 0) return undefined; // the drill says so as its verdict
  const healthy = new Set(healthyTargetIds(snapshot));
  const sick = inService.filter((id) => !healthy.has(id));
  if (sick.length > 0) {
    const states = sick
      .map((id) => `${id} ${snapshot.targets.find((t) => t.id === id)?.state ?? 'not registered'}`)
      .join(', ');
    return `not every instance is healthy in ${targetGroupLabel(snapshot.targetGroupArns)}: ${states}`;
  }
  return undefined;
}

export function judgeScaleOut(seen: ScaleOutObservation): DrillOutcome {
  const { groupName, original, timeline } = seen;
  const target = seen.cpuTarget;
  if (seen.blocked === 'max-equals-min') {
    return {
      verdict: 'fail',
      reason: `max size equals min size (${original.min}): the group cannot scale out`,
      fix: `edit ${groupName}: set the maximum capacity above the minimum (the lab: min 2, desired 2, max 4)`,
    };
  }
  if (seen.blocked === 'at-max') {
    return {
      verdict: 'fail',
      reason: `desired capacity is already at the maximum (${original.max}): the group cannot scale out`,
      fix: `set ${groupName} back to desired ${original.min}, or raise its maximum capacity`,
    };
  }
  const peakCpu = timeline?.peakCpu ?? null;
  const peakDesired = timeline?.peakDesired ?? original.desired;
  const cpuText =
    peakCpu === null
      ? `under load (CloudWatch gave no average CPU; target ${round1(target)}%)`
      : `average CPU reached ${pct(peakCpu)} (target ${round1(target)}%)`;
  if (!seen.policy) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${peakDesired}: the group has no target-tracking policy`,
      fix: `add a dynamic scaling policy to the group: Target tracking, metric "Average CPU utilization", target value as in the lab (${round1(target)})`,
    };
  }
  if (!seen.policy.enabled && peakDesired <= original.desired) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${peakDesired}: the scaling policy ${seen.policy.name} is disabled`,
      fix: `enable the scaling policy ${seen.policy.name}`,
    };
  }
  const instances = timeline?.instances ?? [];
  const launchedCount = instances.length;
  if (!seen.attached && peakDesired > original.desired) {
    return {
      verdict: 'fail',
      reason: `desired capacity rose to ${peakDesired} and ${launchedCount} new instance(s) launched, but ${groupName} is not attached to a load balancer target group: the ALB never sends them traffic`,
      fix: 'attach the group to the ALB target group (Load balancing: attach to an existing load balancer)',
    };
  }
  if (timeline?.complete) {
    const phases = new Map(phaseSeconds(timeline, timeline.phases[0]?.atMs ?? 0).map((p) => [p.name, p.s]));
    const at = (name: string) => (phases.has(name) ? ` at +${phases.get(name)} s` : '');
    const serving = phases.has('serving traffic') ? `, serving traffic${at('serving traffic')}` : '';
    return {
      verdict: 'pass',
      reason:
        `${cpuText}; ${timeline.alarm ? `alarm${at('alarm')}, ` : ''}desired ${original.desired} → ${peakDesired}${at('desired raised')}; ` +
        `${timeline.wanted} new instance(s) InService${at('instance InService')} and healthy in ${seen.targetGroups}${at('scale-out complete')}${serving}`,
    };
  }
  if (peakDesired > original.desired) {
    const failed = timeline?.failedLaunches ?? [];
    if (failed.length > 0 && instances.every((i) => i.inServiceAtMs === null)) {
      return {
        verdict: 'fail',
        reason: `desired capacity rose to ${peakDesired} but launching new instances failed: ${failed[0]?.statusMessage || failed[0]?.description}`,
        fix: 'check the launch template (AMI, instance type, security group, subnets) so that the group can launch instances',
      };
    }
    const inService = instances.filter((i) => i.inServiceAtMs !== null);
    if (inService.length === 0) {
      return {
        verdict: 'fail',
        reason: `desired capacity rose to ${peakDesired} but ${launchedCount === 0 ? 'no new instance was launched' : `${launchedCount} new instance(s) never became InService`} within ${seen.timeoutS} s`,
        fix: "look at the group's Activity history for why the launches did not finish",
      };
    }
    const lastStates = [...new Set(inService.map((i) => i.lastTargetState).filter(Boolean))]
      .slice(0, 3)
      .join(', ');
    return {
      verdict: 'fail',
      reason: `${inService.length} new instance(s) launched but never became healthy in ${seen.targetGroups}${lastStates ? ` (last state: ${lastStates})` : ''} within ${seen.timeoutS} s`,
      fix: 'check the launch template (AMI with the LAMP page, user data, security group allowing HTTP from the ALB): new instances must pass the ALB health check',
    };
  }
  if (seen.load.stoppedBy === 'errorRate') {
    return {
      verdict: 'error',
      reason: `the ALB failed almost every request under load (${seen.load.errors} errors, ${seen.load.non2xx} non-2xx of ${seen.load.requests}); the load stopped before the group could scale`,
      errorCode: 'net.refused',
    };
  }
  if (seen.cpuReached) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${original.desired} within ${seen.timeoutS} s: the AlarmHigh alarm did not trigger ${seen.policy.name}`,
      fix: `check the TargetTracking-${groupName}-AlarmHigh alarm in CloudWatch (Alarms) and the group's Activity history`,
    };
  }
  if (peakCpu === null) {
    return {
      verdict: 'error',
      reason: `CloudWatch returned no CPUUtilization for AutoScalingGroupName=${groupName} during the load, and desired capacity stayed at ${original.desired}: cannot tell why`,
      errorCode: 'aws.no-data',
    };
  }
  return {
    verdict: 'error',
    reason: `the load through the ALB lifted average CPU only to ${pct(peakCpu)} (target ${target}%) within ${seen.timeoutS} s (peak ${seen.load.peakConnections} connections): raise the load caps or thresholds.scaleOutTimeoutS`,
    errorCode: 'load.insufficient',
  };
}

/**
 * The drill's parts, judged on their own from what was observed: the AlarmHigh alarm fired, desired
 * capacity rose, and the new instances became InService and healthy in the target group.
 */
export function scaleOutParts(seen: ScaleOutObservation): CheckPart[] {
  const { original, timeline } = seen;
  if (seen.blocked) {
    const why =
      seen.blocked === 'max-equals-min'
        ? `max size equals min size (${original.min}): the group cannot scale out`
        : `desired capacity is already at the maximum (${original.max})`;
    return [
      { name: 'alarm-fired', passed: false, detail: `not judged: ${why}` },
      { name: 'desired-rose', passed: false, detail: why },
      { name: 'new-instances-healthy', passed: false, detail: `not judged: ${why}` },
    ];
  }
  const peakDesired = timeline?.peakDesired ?? original.desired;
  const rose = peakDesired > original.desired;
  const alarm = timeline?.alarm ?? null;
  const alarmPart: CheckPart = alarm
    ? {
        name: 'alarm-fired',
        passed: true,
        detail: `${alarm.alarmName} in ALARM triggered ${alarm.policyName}`,
      }
    : rose && seen.policy
      ? {
          name: 'alarm-fired',
          passed: true,
          // Under target tracking only the policy's AlarmHigh alarm raises desired capacity.
          detail: `desired capacity rose under ${seen.policy.name}, whose AlarmHigh alarm raises it (the trigger itself was not in the activity history)`,
        }
      : {
          name: 'alarm-fired',
          passed: false,
          detail: !seen.policy
            ? 'the group has no target-tracking policy, so no alarm'
            : seen.cpuReached
              ? `average CPU passed the target (${round1(seen.cpuTarget)}%) but the AlarmHigh alarm did not trigger ${seen.policy.name}`
              : `average CPU reached only ${pct(timeline?.peakCpu ?? null)} (target ${round1(seen.cpuTarget)}%)`,
        };
  const ready = timeline?.complete === true && seen.attached;
  const launched = timeline?.instances.length ?? 0;
  return [
    alarmPart,
    {
      name: 'desired-rose',
      passed: rose,
      detail: rose
        ? `desired ${original.desired} → ${peakDesired}`
        : `desired capacity stayed at ${original.desired} within ${seen.timeoutS} s`,
    },
    {
      name: 'new-instances-healthy',
      passed: ready,
      detail: ready
        ? `${timeline!.wanted} new instance(s) InService and healthy in ${seen.targetGroups}`
        : !rose
          ? 'not judged: no new instance was asked for'
          : !seen.attached
            ? `${launched} new instance(s) launched, but the group is not attached to a target group`
            : `${launched} new instance(s) launched; not all became InService and healthy in ${seen.targetGroups} within ${seen.timeoutS} s`,
    },
  ];
}

/** Per-second figures across the load's stages, for evidence series. */
interface SeriesRow {
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

function figuresOf(snapshot: GroupSnapshot | null) {
  return {
    cpu: snapshot?.cpu?.percent ?? null,
    desired: snapshot?.desired ?? null,
    inService: snapshot ? inServiceIds(snapshot).length : null,
    healthy: snapshot ? healthyTargetIds(snapshot).length : null,
  };
}

function recordEvidence(
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

export function asgScaleOutDrill(target: ScaleOutDrillTarget) {
  const albHost = new URL(target.albUrl).host;
  const everyMs = target.pollEveryMs ?? pollIntervalFor(target.timeoutS);
  const cpuQuery = target.cpu ?? defaultCpuQuery;

  return defineDrill<ScaleOutObservation | null>({
    id: 'asg.scale-out.drill',
    title: 'Load through the ALB scales the group out',
    parts: ['alarm-fired', 'desired-rose', 'new-instances-healthy'],
    steadyState: async (ctx) => {
      // A group deployed moments ago may still have targets in 'initial': give it a bounded moment.
      const problem = await settleGroup(
        async () => (await readGroup(target.reads, target.groupName, { cpu: false, activities: 0 })).snapshot,
        (snapshot) => steadyStateProblem(snapshot, target.groupName),
        {
          // Long enough for a target still in 'initial', or for a scale-in already under way, to finish.
          budgetMs: groupSettleS(target.timeoutS) * 1000,
          everyMs: Math.min(everyMs, 1_000),
          signal: ctx.signal,
        },
      );
      if (problem) return problem;
      const page = await httpGet(target.albUrl, target.http);
      if (page.status !== 200) return `the ALB answers ${page.status} before the drill, not 200`;
    },
    ...(target.restoreCapacity
      ? {}
      : {
          steadyStateAfter: async () =>
            `${target.groupName} is left scaled out on purpose: asg.scale-in.observe watches its policy scale it back in`,
        }),
    method: async (ctx) => {
      if (ctx.dryRun) {
        await ctx.change({
          step: 'load-through-alb',
          // The sizes are read at run time; the plan can only say what the undo will do with them.
          undo: target.restoreCapacity
            ? {
                type: 'none',
                note: `set ${target.groupName} back to the min/desired/max read before the load`,
              }
            : {
                type: 'none',
                note: `the target tracking policy scales ${target.groupName} back in by itself`,
              },
          apply: async () => {},
        });
        ctx.event(
          'plan',
          `ramp ${rampLevels(target.load.connections).join(' → ')} connections through ${albHost} for at most ${target.timeoutS} s and ${target.load.maxRequests} requests; the undo uses the sizes read at run time`,
        );
        return null;
      }
      const [policies, first, history] = await Promise.all([
        describePolicies(target.reads.autoScaling, target.groupName),
        readGroup(target.reads, target.groupName, { cpu: false, activities: 0 }),
        describeScalingActivities(target.reads.autoScaling, target.groupName, 50),
      ]);
      const group = first.snapshot;
      const policy = cpuPolicyOf(policies);
      const original = {
        min: group.minSize,
        desired: group.desired,
        max: group.maxSize,
        instanceIds: group.instances.map((i) => i.id),
      };
      const originalIds = new Set(original.instanceIds);
      const attached = group.targetGroupArns.length > 0;
      const seen: ScaleOutObservation = {
        groupName: target.groupName,
        targetGroups: targetGroupLabel(group.targetGroupArns),
        attached,
        policy,
        cpuTarget: policy?.targetValue ?? target.expectedCpuTarget ?? LAB_CPU_TARGET,
        original,
        blocked: blockedBy(original.min, original.desired, original.max),
        cpuReached: false,
        load: { stoppedBy: 'not run', requests: 0, errors: 0, non2xx: 0, durationS: 0, peakConnections: 0 },
        timeoutS: target.timeoutS,
        timeline: null,
        observerFailures: [],
      };
      ctx.evidence.set('groupBefore', {
        min: original.min,
        desired: original.desired,
        max: original.max,
        instances: [...original.instanceIds],
        targetGroups: seen.targetGroups,
        policy: policy ? { ...policy } : null,
      });
      if (seen.blocked) {
        ctx.event('no load sent', `min ${original.min} / desired ${original.desired} / max ${original.max}`);
        return seen;
      }

      const undo: UndoAction = target.restoreCapacity
        ? {
            type: 'asg.updateCapacity',
            groupName: target.groupName,
            minSize: original.min,
            maxSize: original.max,
            desiredCapacity: original.desired,
          }
        : {
            type: 'none',
            note: `the load ends with the drill; ${target.groupName}'s target tracking policy scales it back in by itself`,
          };
      // The change is the load itself, made below; the journal entry exists so that a killed drill's
      // raised capacity can be put back.
      await ctx.change({ step: 'load-through-alb', undo, apply: async () => {} });

      const observer = new GroupObserver({
        read: () => readGroup(target.reads, target.groupName, { cpu: cpuQuery, activities: 20 }),
        everyMs,
        maxDurationMs: (target.timeoutS + 120) * 1000,
        ignoreActivityIds: new Set(history.map((a) => a.ActivityId ?? '').filter(Boolean)),
        onSnapshot: (s) => {
          ctx.progress.figure('cpu', s.cpu ? `${round1(s.cpu.percent)}%` : '?');
          ctx.progress.figure('desired', s.desired);
          ctx.progress.figure('in-service', inServiceIds(s).length);
          if (s.cpu && s.cpu.percent > seen.cpuTarget) seen.cpuReached = true;
        },
      });

      const levels = rampLevels(target.load.connections);
      const stepS = rampStepSeconds(target.timeoutS);
      const served: ServedSecond[] = [];
      const rows: SeriesRow[] = [];
      const seenServing = new Set<string>();
      let scaledOutAtMs: number | null = null;
      let cpuReachedAtMs: number | null = null;
      const servingGraceMs = Math.max(5_000, 2 * everyMs);
      const noPolicyHoldMs = Math.max(3 * everyMs, Math.min(180, target.timeoutS / 6) * 1000);

      /** Whether the load has done its job: the new instances ready (and seen serving, briefly waited for). */
      const done = (): boolean => {
        const latest = observer.latest;
        if (seen.cpuReached && cpuReachedAtMs === null) cpuReachedAtMs = Date.now();
        if (!seen.policy?.enabled) {
          return cpuReachedAtMs !== null && Date.now() - cpuReachedAtMs >= noPolicyHoldMs;
        }
        if (!latest) return false;
        const wanted = Math.min(latest.desired, original.max) - original.desired;
        if (wanted <= 0) return false;
        const ready = readyNewInstances(latest, originalIds, attached);
        if (ready.length < wanted) return false;
        scaledOutAtMs ??= Date.now();
        const allServing = !attached || ready.every((id) => seenServing.has(id));
        return allServing || Date.now() - scaledOutAtMs >= servingGraceMs;
      };

      const identify = (body: string) => readInstancePage(body, target.patterns).instanceId;
      ctx.progress.phase('load');
      const loadStartMs = Date.now();
      ctx.event(
        'load: start',
        `through ${albHost}, ramp ${levels.join(' → ')} connections, at most ${target.timeoutS} s`,
      );
      const loadStartAtMs = ctx.evidence.evidence.timeline.at(-1)?.atMs ?? 0;
      observer.start();
      const deadline = loadStartMs + target.timeoutS * 1000;
      let sent = 0;
      let level = 0;
      let lastResult: LoadResult | null = null;
      try {
        while (!ctx.signal.aborted) {
          const remainingS = (deadline - Date.now()) / 1000;
          const requestsLeft = target.load.maxRequests - sent;
          if (remainingS < 1 || requestsLeft < 1 || done()) break;
          const holding = seen.cpuReached || level === levels.length - 1;
          const connections = levels[level] as number;
          seen.load.peakConnections = Math.max(seen.load.peakConnections, connections);
          ctx.progress.figure('connections', connections);
          const stageStartMs = Date.now();
          const result = await runLoad({
            url: target.albUrl,
            allowedHosts: [albHost],
            connections,
            durationS: holding ? remainingS : Math.min(stepS, remainingS),
            maxRequests: requestsLeft,
            ...(target.load.rate !== undefined ? { rate: target.load.rate } : {}),
            requestTimeoutS: target.load.requestTimeoutS ?? 10,
            stopWhen: {
              errorRateAbove: 0.9,
              errorWindowS: 10,
              condition: () => done() || (!holding && seen.cpuReached),
            },
            sampleTargets: { every: 50, identify },
            signal: ctx.signal,
            onSecond: (s: LoadSecond) => {
              const atMs = stageStartMs + s.t * 1000;
              served.push({ atMs, targets: s.targets });
              for (const [id, count] of Object.entries(s.targets)) if (count > 0) seenServing.add(id);
              if (rows.length < 4_000)
                rows.push({
                  atMs,
                  rps: s.rps,
                  p50: s.latencyP50Ms,
                  p99: s.latencyP99Ms,
                  errors: s.errors + s.non2xx,
                  ...figuresOf(observer.latest),
                });
              ctx.progress.figure('rps', Math.round(s.rps));
              ctx.progress.figure('p50', `${round1(s.latencyP50Ms)}ms`);
              ctx.progress.figure('p99', `${round1(s.latencyP99Ms)}ms`);
              ctx.progress.figure('errors', s.errors + s.non2xx);
            },
          });
          lastResult = result;
          sent += result.totals.sent;
          seen.load.requests += result.totals.requests;
          seen.load.errors += result.totals.errors;
          seen.load.non2xx += result.totals.non2xx;
          for (const warning of result.warnings.slice(0, 3)) ctx.evidence.note(`load: ${warning}`);
          if (['aborted', 'errorRate', 'maxRequests'].includes(result.stoppedBy)) break;
          if (result.stoppedBy === 'condition' && done()) break;
          if (holding && result.stoppedBy === 'duration') break;
          if (!holding && !seen.cpuReached) level += 1;
        }
      } finally {
        const loadEndMs = Date.now();
        seen.load.durationS = round1((loadEndMs - loadStartMs) / 1000);
        seen.load.stoppedBy = ctx.signal.aborted
          ? 'aborted'
          : done()
            ? 'condition'
            : (lastResult?.stoppedBy ?? 'duration');
        ctx.event(
          'load: stopped',
          `${seen.load.requests} requests, ${seen.load.errors} errors, stopped by ${seen.load.stoppedBy}`,
        );
        await observer.stop();
        if (!ctx.signal.aborted) await observer.pollOnce();
        seen.observerFailures = observer.failures;
        seen.timeline = analyzeScaleOut({
          loadStartMs,
          loadEndMs,
          original,
          snapshots: observer.snapshots,
          activities: observer.activities,
          served,
        });
        recordEvidence(ctx, seen, rows, loadStartMs, loadStartAtMs);
      }
      const scaledOut = observer.snapshots.some((snapshot) => snapshot.desired > original.desired);
      if (
        target.restoreCapacity &&
        scaledOut &&
        policy &&
        policy.alarmHigh.length > 0 &&
        !ctx.signal.aborted
      ) {
        // The capacity put back must stick: wait for the policy's alarm to see the load gone first.
        ctx.progress.phase('cool down');
        const limitS = scaleOutCoolDownS(target.timeoutS);
        const clearedS = await waitForAlarmsToClear(
          ctx,
          target.reads.cloudWatch,
          policy.alarmHigh,
          limitS,
          everyMs,
        );
        if (clearedS === null) {
          ctx.evidence.note(
            `${policy.alarmHigh.join(', ')} was still in ALARM ${limitS} s after the load: the policy may raise desired capacity again after the rollback`,
          );
        } else {
          ctx.event('cool down', `AlarmHigh out of ALARM ${round1(clearedS)} s after the load stopped`);
        }
      }
      return seen;
    },
    verify: async (ctx, seen) => {
      if (seen === null) return { verdict: 'skip', reason: 'dry run: nothing was measured' };
      for (const part of scaleOutParts(seen)) ctx.evidence.part(part.name, part.passed, part.detail);
      return judgeScaleOut(seen);
    },
  });
}
