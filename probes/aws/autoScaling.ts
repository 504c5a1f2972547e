// Read-only EC2 Auto Scaling calls: the group, its scaling policies and its activity history.

import {
  type Activity,
  type AutoScalingClient,
  type AutoScalingGroup,
  paginateDescribeAutoScalingGroups,
  paginateDescribePolicies,
  paginateDescribeScalingActivities,
  type ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { AwsProbeError, awsPaged } from './awsCall.ts';

/** The Auto Scaling group with this name; not-found AwsProbeError when there is none. */
export async function describeAutoScalingGroup(
  autoScaling: AutoScalingClient,
  name: string,
): Promise<AutoScalingGroup> {
  const groups = await awsPaged(
    autoScaling,
    paginateDescribeAutoScalingGroups,
    { AutoScalingGroupNames: [name] },
    (page) => page.AutoScalingGroups,
  );
  const group = groups[0];
  if (!group) {
    throw new AwsProbeError(
      'not-found',
      'autoscaling:DescribeAutoScalingGroups',
      `Auto Scaling group '${name}' not found`,
      undefined,
    );
  }
  return group;
}

export function describePolicies(
  autoScaling: AutoScalingClient,
  groupName: string,
): Promise<ScalingPolicy[]> {
  return awsPaged(
    autoScaling,
    paginateDescribePolicies,
    { AutoScalingGroupName: groupName },
    (page) => page.ScalingPolicies,
    { pageSize: 50 },
  );
}

/** The group's scaling activities, newest first, at most `maxItems` (default 100). */
export function describeScalingActivities(
  autoScaling: AutoScalingClient,
  groupName: string,
  maxItems = 100,
): Promise<Activity[]> {
  return awsPaged(
    autoScaling,
    paginateDescribeScalingActivities,
    { AutoScalingGroupName: groupName },
    (page) => page.Activities,
    { pageSize: Math.min(100, maxItems), maxItems },
  );
}

/** Every Auto Scaling group of the account in the client's region. */
export function describeAllAutoScalingGroups(autoScaling: AutoScalingClient): Promise<AutoScalingGroup[]> {
  return awsPaged(autoScaling, paginateDescribeAutoScalingGroups, {}, (page) => page.AutoScalingGroups, {
    pageSize: 100,
  });
}
