// What asg.scale-out.drill observes: the group as the load found it (sizes, instances, target groups, its
// target-tracking policy on average CPU), whether its sizes leave room to scale out, and what the load and
// the group did; the verdict (scaleOutVerdict.ts) judges it.

import type { ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { defaults } from '../config/defaults.ts';
import type { StopReason } from '../loadgen/index.ts';
import {
  type AsgReadClients,
  type GroupSnapshot,
  healthyTargetIds,
  inServiceIds,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import type { ScaleOutTimeline } from '../probes/asgObservation/scaleOutTimeline.ts';
import { targetGroupLabel } from '../probes/asgObservation/targetGroupName.ts';
import { describePolicies, describeScalingActivities } from '../probes/aws/autoScaling.ts';

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

/** Why no load can show a scale-out: the group's sizes leave no room for one. */
export function blockedBy(min: number, desired: number, max: number): ScaleOutObservation['blocked'] {
  if (max <= min) return 'max-equals-min';
  if (desired >= max) return 'at-max';
  return null;
}

/** New instances InService (and healthy in a target group, when the group is attached to one). */
export function readyNewInstances(
  snapshot: GroupSnapshot,
  original: ReadonlySet<string>,
  attached: boolean,
): string[] {
  const healthy = new Set(healthyTargetIds(snapshot));
  return inServiceIds(snapshot).filter((id) => !original.has(id) && (!attached || healthy.has(id)));
}

/** The group as the load finds it, and the ids of the activities already in its history (left out later). */
export async function observeBeforeLoad(
  reads: AsgReadClients,
  groupName: string,
  options: { timeoutS: number; expectedCpuTarget?: number },
): Promise<{ seen: ScaleOutObservation; historyIds: Set<string> }> {
  const [policies, first, history] = await Promise.all([
    describePolicies(reads.autoScaling, groupName),
    readGroup(reads, groupName, { cpu: false, activities: 0 }),
    describeScalingActivities(reads.autoScaling, groupName, 50),
  ]);
  const group = first.snapshot;
  const policy = cpuPolicyOf(policies);
  const original = {
    min: group.minSize,
    desired: group.desired,
    max: group.maxSize,
    instanceIds: group.instances.map((i) => i.id),
  };
  const seen: ScaleOutObservation = {
    groupName,
    targetGroups: targetGroupLabel(group.targetGroupArns),
    attached: group.targetGroupArns.length > 0,
    policy,
    cpuTarget: policy?.targetValue ?? options.expectedCpuTarget ?? defaults.expect.asg.cpuTarget,
    original,
    blocked: blockedBy(original.min, original.desired, original.max),
    cpuReached: false,
    load: { stoppedBy: 'not run', requests: 0, errors: 0, non2xx: 0, durationS: 0, peakConnections: 0 },
    timeoutS: options.timeoutS,
    timeline: null,
    observerFailures: [],
  };
  return { seen, historyIds: new Set(history.map((a) => a.ActivityId ?? '').filter(Boolean)) };
}
