import type { Activity, ScalingActivityStatusCode } from '@aws-sdk/client-auto-scaling';
import type { ServingAnswer } from '../../../probes/asgObservation/albServing.ts';
import type { GroupSnapshot, TargetState } from '../../../probes/asgObservation/groupState.ts';

// AWS-shaped data for the elasticity analyses: activities worded as Auto Scaling words them, and group
// snapshots as readGroup builds them from DescribeAutoScalingGroups / DescribeTargetHealth.

export const groupName = 'lab-vpc-asg';
export const alarmHigh = 'TargetTracking-lab-vpc-asg-AlarmHigh-3b4f6a2c-9d1e-4c7a-8f55-0e2d7c1b9a64';
export const alarmLow = 'TargetTracking-lab-vpc-asg-AlarmLow-7c2e9f10-5a3b-4d8e-b1c6-2f4a6e8d0b13';
export const tgArn =
  'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/lab-vpc-alb-asg-tg/6d0ecf831eec9f09';
export const t0 = Date.parse('2024-05-14T06:00:00Z');

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function launchActivity(
  instanceId: string,
  startMs: number,
  status: ScalingActivityStatusCode = 'Successful',
  cause?: string,
): Activity {
  return {
    ActivityId: `launch-${instanceId}`,
    AutoScalingGroupName: groupName,
    Description: `Launching a new EC2 instance: ${instanceId}`,
    Cause:
      cause ??
      `At ${iso(startMs - 8_000)} a monitor alarm ${alarmHigh} in state ALARM triggered policy lab-policy-01 changing the desired capacity from 2 to 4.  At ${iso(startMs)} an instance was started in response to a difference between desired and running capacity, increasing the capacity from 2 to 4.`,
    StartTime: new Date(startMs),
    ...(status === 'Successful' ? { EndTime: new Date(startMs + 35_000) } : {}),
    StatusCode: status,
    Progress: status === 'Successful' ? 100 : 30,
    ...(status === 'Failed'
      ? {
          StatusMessage:
            "The image id '[ami-0badbadbadbadbad0]' does not exist. Launching EC2 instance failed.",
        }
      : {}),
  };
}

export function terminateActivity(instanceId: string, startMs: number, cause: string): Activity {
  return {
    ActivityId: `terminate-${instanceId}`,
    AutoScalingGroupName: groupName,
    Description: `Terminating EC2 instance: ${instanceId}`,
    Cause: cause,
    StartTime: new Date(startMs),
    EndTime: new Date(startMs + 60_000),
    StatusCode: 'Successful',
    Progress: 100,
  };
}

export interface InstanceSpec {
  id: string;
  az?: string;
  lifecycle?: string;
  health?: string;
  target?: string | null;
}

export function snapshot(
  atMs: number,
  desired: number,
  instances: InstanceSpec[],
  options: { cpu?: number | null; attached?: boolean; min?: number; max?: number } = {},
): GroupSnapshot {
  const attached = options.attached ?? true;
  const targets: TargetState[] = attached
    ? instances.filter((i) => i.target !== null).map((i) => ({ id: i.id, state: i.target ?? 'healthy' }))
    : [];
  return {
    atMs,
    minSize: options.min ?? 2,
    maxSize: options.max ?? 4,
    desired,
    instances: instances.map((i) => ({
      id: i.id,
      lifecycle: i.lifecycle ?? 'InService',
      health: i.health ?? 'Healthy',
      availabilityZone: i.az ?? 'ap-northeast-2a',
    })),
    targets,
    targetGroupArns: attached ? [tgArn] : [],
    cpu: options.cpu === null || options.cpu === undefined ? null : { percent: options.cpu, atMs },
  };
}

/**
 * One answer of the self-heal drill's ALB poller, judged as the poller judges it: served only for a 200
 * (these answers carry no page, so no database error); a transport error when there is no status.
 */
export function servingAnswer(
  atMs: number,
  status: number | null,
  more: { ms?: number; instanceId?: string | null; error?: string } = {},
): ServingAnswer {
  const error = status === null ? (more.error ?? 'connect') : null;
  return {
    atMs,
    ms: more.ms ?? 5,
    status,
    error,
    instanceId: more.instanceId ?? null,
    served: status === 200,
    problem: status === 200 ? null : status === null ? `no HTTP answer (${error})` : `HTTP ${status}`,
  };
}
