// Read-only Elastic Load Balancing v2 calls: the load balancer, its listeners, target groups and
// target health, as the SDK returns them.

import {
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type TagDescription,
  type TargetGroup,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsProbeError, awsCall, awsPaged } from './awsCall.ts';

/** The load balancer with this name; not-found AwsProbeError when there is none. */
export async function describeLoadBalancer(
  elbv2: ElasticLoadBalancingV2Client,
  name: string,
): Promise<LoadBalancer> {
  const subject = `load balancer '${name}'`;
  const found = await awsPaged(
    elbv2,
    paginateDescribeLoadBalancers,
    { Names: [name] },
    (page) => page.LoadBalancers,
    {
      subject,
    },
  );
  const loadBalancer = found[0];
  if (!loadBalancer)
    throw new AwsProbeError(
      'not-found',
      'elasticloadbalancing:DescribeLoadBalancers',
      `${subject} not found`,
      undefined,
    );
  return loadBalancer;
}

export function describeListeners(
  elbv2: ElasticLoadBalancingV2Client,
  loadBalancerArn: string,
): Promise<Listener[]> {
  return awsPaged(
    elbv2,
    paginateDescribeListeners,
    { LoadBalancerArn: loadBalancerArn },
    (page) => page.Listeners,
    {
      subject: `listeners of ${loadBalancerArn}`,
    },
  );
}

export type TargetGroupQuery = { loadBalancerArn: string } | { arns: string[] } | { names: string[] };

export async function describeTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  query: TargetGroupQuery,
): Promise<TargetGroup[]> {
  if ('arns' in query && query.arns.length === 0) return [];
  if ('names' in query && query.names.length === 0) return [];
  const input =
    'loadBalancerArn' in query
      ? { LoadBalancerArn: query.loadBalancerArn }
      : 'arns' in query
        ? { TargetGroupArns: query.arns }
        : { Names: query.names };
  const what =
    'loadBalancerArn' in query
      ? query.loadBalancerArn
      : ('arns' in query ? query.arns : query.names).join(', ');
  return awsPaged(elbv2, paginateDescribeTargetGroups, input, (page) => page.TargetGroups, {
    subject: `target group(s) of ${what}`,
  });
}

export async function describeTargetHealth(
  elbv2: ElasticLoadBalancingV2Client,
  targetGroupArn: string,
): Promise<TargetHealthDescription[]> {
  const output = await awsCall(elbv2, new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), {
    subject: `target group ${targetGroupArn}`,
  });
  return output.TargetHealthDescriptions ?? [];
}

/** Every load balancer of the account in the client's region (a lab account has a handful). */
export function describeAllLoadBalancers(elbv2: ElasticLoadBalancingV2Client): Promise<LoadBalancer[]> {
  return awsPaged(elbv2, paginateDescribeLoadBalancers, {}, (page) => page.LoadBalancers, { pageSize: 100 });
}

/** The tags of load balancers or target groups, by ARN; DescribeTags takes at most 20 ARNs per call. */
export async function describeLoadBalancerTags(
  elbv2: ElasticLoadBalancingV2Client,
  arns: readonly string[],
): Promise<TagDescription[]> {
  const descriptions: TagDescription[] = [];
  for (let start = 0; start < arns.length; start += 20) {
    const output = await awsCall(
      elbv2,
      new DescribeTagsCommand({ ResourceArns: arns.slice(start, start + 20) }),
    );
    descriptions.push(...(output.TagDescriptions ?? []));
  }
  return descriptions;
}
