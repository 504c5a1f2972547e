// One look at an Auto Scaling group as the drills and the scale-in probe follow it: sizes, instances and
// their lifecycle, health in the attached target groups, the group's average CPU and its recent activities.
// Only read calls, through probes/aws.

import type { Activity, AutoScalingClient, AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { defaults } from '../../config/defaults.ts';
import { describeAutoScalingGroup, describeScalingActivities } from '../aws/autoScaling.ts';
import { getMetricStatistics } from '../aws/cloudWatch.ts';
import { describeTargetHealth } from '../aws/elbv2.ts';

/** The read clients a group observation needs. */
export interface AsgReadClients {
  autoScaling: AutoScalingClient;
  elbv2: ElasticLoadBalancingV2Client;
  cloudWatch: CloudWatchClient;
}

export interface GroupInstance {
  id: string;
  /** LifecycleState: Pending, InService, Terminating, Terminated, Standby … */
  lifecycle: string;
  /** HealthStatus as Auto Scaling sees it: Healthy or Unhealthy. */
  health: string;
  availabilityZone: string;
}

export interface TargetState {
  id: string;
  /** initial, healthy, unhealthy, unused, draining, unavailable. */
  state: string;
  reason?: string;
}

export interface GroupSnapshot {
  /** Epoch ms when the reads finished. */
  atMs: number;
  minSize: number;
  maxSize: number;
  desired: number;
  instances: GroupInstance[];
  /** Every target of the group's target groups (an instance in two groups appears twice). */
  targets: TargetState[];
  /** Target group ARNs the group is attached to. */
  targetGroupArns: string[];
  /** The newest average CPU datapoint of the group, or null when CloudWatch has none. */
  cpu: { percent: number; atMs: number } | null;
}

export interface CpuQuery {
  /** Metric period; 60 for one-minute (detailed monitoring) data. */
  periodS: number;
  /** How far back the newest datapoint is looked for. */
  lookbackS: number;
}

export function snapshotOfGroup(
  group: AutoScalingGroup,
  targets: TargetState[],
  cpu: GroupSnapshot['cpu'],
  atMs: number,
): GroupSnapshot {
  return {
    atMs,
    minSize: group.MinSize ?? 0,
    maxSize: group.MaxSize ?? 0,
    desired: group.DesiredCapacity ?? 0,
    instances: (group.Instances ?? []).slice(0, 500).map((instance) => ({
      id: instance.InstanceId ?? '',
      lifecycle: instance.LifecycleState ?? 'unknown',
      health: instance.HealthStatus ?? 'unknown',
      availabilityZone: instance.AvailabilityZone ?? 'unknown',
    })),
    targets,
    targetGroupArns: [...(group.TargetGroupARNs ?? [])],
    cpu,
  };
}

/**
 * The group's average CPU: AWS/EC2 CPUUtilization with the AutoScalingGroupName dimension, the Average of
 * the newest datapoint within the lookback. Null when there is none (no monitoring data yet).
 */
export async function readGroupCpu(
  cloudWatch: CloudWatchClient,
  groupName: string,
  query: CpuQuery = defaults.cpuMetric,
  now: number = Date.now(),
): Promise<GroupSnapshot['cpu']> {
  const points = await getMetricStatistics(cloudWatch, {
    namespace: 'AWS/EC2',
    metricName: 'CPUUtilization',
    dimensions: [{ Name: 'AutoScalingGroupName', Value: groupName }],
    start: new Date(now - query.lookbackS * 1000),
    end: new Date(now),
    periodS: query.periodS,
    statistics: ['Average'],
  });
  const newest = points.at(-1);
  if (!newest || typeof newest.Average !== 'number' || !Number.isFinite(newest.Average)) return null;
  return { percent: newest.Average, atMs: newest.Timestamp?.getTime() ?? now };
}

export async function readTargets(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArns: readonly string[],
): Promise<TargetState[]> {
  const all = await Promise.all(targetGroupArns.map((arn) => describeTargetHealth(elbv2, arn)));
  return all.flat().map((description) => ({
    id: description.Target?.Id ?? '',
    state: description.TargetHealth?.State ?? 'unknown',
    ...(description.TargetHealth?.Reason ? { reason: description.TargetHealth.Reason } : {}),
  }));
}

export interface GroupReading {
  snapshot: GroupSnapshot;
  /** Newest first, as AWS lists them. */
  activities: Activity[];
}

export interface ReadGroupOptions {
  cpu?: CpuQuery | false;
  /** Activities read per look; 0 reads none. */
  activities?: number;
}

/** One look at the group: the group, its targets' health, its CPU and its newest activities, in parallel. */
export async function readGroup(
  clients: AsgReadClients,
  groupName: string,
  options: ReadGroupOptions = {},
): Promise<GroupReading> {
  const group = await describeAutoScalingGroup(clients.autoScaling, groupName);
  const activityCount = options.activities ?? 20;
  const [targets, cpu, activities] = await Promise.all([
    readTargets(clients.elbv2, group.TargetGroupARNs ?? []),
    options.cpu === false ? Promise.resolve(null) : readGroupCpu(clients.cloudWatch, groupName, options.cpu),
    activityCount > 0
      ? describeScalingActivities(clients.autoScaling, groupName, activityCount)
      : Promise.resolve([]),
  ]);
  return { snapshot: snapshotOfGroup(group, targets, cpu, Date.now()), activities };
}

/** Instances of the snapshot that are InService. */
export function inServiceIds(snapshot: GroupSnapshot): string[] {
  return snapshot.instances.filter((i) => i.lifecycle === 'InService').map((i) => i.id);
}

/** Instances healthy in every target group they are registered in (and registered in at least one). */
export function healthyTargetIds(snapshot: GroupSnapshot): string[] {
  const byId = new Map<string, string[]>();
  for (const target of snapshot.targets) byId.set(target.id, [...(byId.get(target.id) ?? []), target.state]);
  return [...byId.entries()].filter(([, states]) => states.every((s) => s === 'healthy')).map(([id]) => id);
}

/**
 * Why the group is not at rest, or undefined: a group still scaled out by earlier load (or an earlier
 * drill) would make a drill's effect unattributable, so every Auto Scaling drill starts from the minimum.
 */
export function notAtRest(snapshot: GroupSnapshot, groupName: string): string | undefined {
  if (snapshot.maxSize > snapshot.minSize && snapshot.desired > snapshot.minSize) {
    return `${groupName} is not at rest: desired ${snapshot.desired} is above its minimum ${snapshot.minSize} (earlier load is still scaled out)`;
  }
  return undefined;
}
