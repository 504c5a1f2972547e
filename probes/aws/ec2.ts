// Read-only EC2 calls: the VPC, its subnets, routes, gateways, instances, security groups, network
// interfaces and launch template versions, as the SDK returns them.

import {
  type EC2Client,
  type Filter,
  type Instance,
  type InternetGateway,
  type LaunchTemplateVersion,
  type NatGateway,
  type NetworkInterface,
  paginateDescribeInstances,
  paginateDescribeInternetGateways,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeNatGateways,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { AwsProbeError, awsPaged } from './awsCall.ts';

const PAGE_SIZE = 100;
const vpcFilter = (vpcId: string): Filter[] => [{ Name: 'vpc-id', Values: [vpcId] }];

/** The VPC by id, or by Name tag; null when there is none. Two VPCs with the same name is an error. */
export async function findVpc(ec2: EC2Client, by: { id?: string; name?: string }): Promise<Vpc | null> {
  const input = by.id
    ? { VpcIds: [by.id] }
    : by.name
      ? { Filters: [{ Name: 'tag:Name', Values: [by.name] }] }
      : undefined;
  if (!input) throw new Error('findVpc needs a VPC id or name');
  let vpcs: Vpc[];
  try {
    vpcs = await awsPaged(ec2, paginateDescribeVpcs, input, (page) => page.Vpcs, {
      subject: `VPC '${by.id ?? by.name}'`,
    });
  } catch (error) {
    if (error instanceof AwsProbeError && error.kind === 'not-found') return null;
    throw error;
  }
  if (vpcs.length > 1) {
    const ids = vpcs.map((vpc) => vpc.VpcId).join(', ');
    throw new AwsProbeError(
      'other',
      'ec2:DescribeVpcs',
      `${vpcs.length} VPCs are named '${by.name}' (${ids}); set vpc.id in the stack file`,
      undefined,
    );
  }
  return vpcs[0] ?? null;
}

export function describeSubnets(ec2: EC2Client, vpcId: string): Promise<Subnet[]> {
  return awsPaged(ec2, paginateDescribeSubnets, { Filters: vpcFilter(vpcId) }, (page) => page.Subnets, {
    pageSize: PAGE_SIZE,
  });
}

export function describeRouteTables(ec2: EC2Client, vpcId: string): Promise<RouteTable[]> {
  return awsPaged(
    ec2,
    paginateDescribeRouteTables,
    { Filters: vpcFilter(vpcId) },
    (page) => page.RouteTables,
    {
      pageSize: PAGE_SIZE,
    },
  );
}

export function describeNatGateways(ec2: EC2Client, vpcId: string): Promise<NatGateway[]> {
  return awsPaged(
    ec2,
    paginateDescribeNatGateways,
    { Filter: vpcFilter(vpcId) },
    (page) => page.NatGateways,
    {
      pageSize: PAGE_SIZE,
    },
  );
}

/** Internet gateways attached to the VPC. */
export function describeInternetGateways(ec2: EC2Client, vpcId: string): Promise<InternetGateway[]> {
  return awsPaged(
    ec2,
    paginateDescribeInternetGateways,
    { Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] },
    (page) => page.InternetGateways,
    { pageSize: PAGE_SIZE },
  );
}

export type InstanceQuery = { ids: string[] } | { filters: Filter[] };

/** Instances by id or by filters, flattened out of their reservations. */
export async function describeInstances(ec2: EC2Client, query: InstanceQuery): Promise<Instance[]> {
  if ('ids' in query && query.ids.length === 0) return [];
  const reservations = await awsPaged(
    ec2,
    paginateDescribeInstances,
    'ids' in query ? { InstanceIds: query.ids } : { Filters: query.filters },
    (page) => page.Reservations,
    // EC2 rejects MaxResults together with InstanceIds.
    'ids' in query ? { subject: `EC2 instance(s) ${query.ids.join(', ')}` } : { pageSize: PAGE_SIZE },
  );
  return reservations.flatMap((reservation) => reservation.Instances ?? []);
}

export type SecurityGroupQuery = { ids: string[] } | { vpcId: string };

export async function describeSecurityGroups(
  ec2: EC2Client,
  query: SecurityGroupQuery,
): Promise<SecurityGroup[]> {
  if ('ids' in query && query.ids.length === 0) return [];
  return awsPaged(
    ec2,
    paginateDescribeSecurityGroups,
    'ids' in query ? { GroupIds: query.ids } : { Filters: vpcFilter(query.vpcId) },
    (page) => page.SecurityGroups,
    'ids' in query ? { subject: `security group(s) ${query.ids.join(', ')}` } : { pageSize: PAGE_SIZE },
  );
}

/** Network interfaces by filter, e.g. `addresses.private-ip-address` to find the AZ of an RDS IP. */
export function describeNetworkInterfaces(ec2: EC2Client, filters: Filter[]): Promise<NetworkInterface[]> {
  return awsPaged(
    ec2,
    paginateDescribeNetworkInterfaces,
    { Filters: filters },
    (page) => page.NetworkInterfaces,
    {
      pageSize: PAGE_SIZE,
    },
  );
}

export type LaunchTemplateRef = { id: string } | { name: string };

/** Versions of a launch template; `versions` may hold numbers, `$Latest` or `$Default` (all when omitted). */
export function describeLaunchTemplateVersions(
  ec2: EC2Client,
  template: LaunchTemplateRef,
  versions?: string[],
): Promise<LaunchTemplateVersion[]> {
  const ref = 'id' in template ? { LaunchTemplateId: template.id } : { LaunchTemplateName: template.name };
  return awsPaged(
    ec2,
    paginateDescribeLaunchTemplateVersions,
    { ...ref, ...(versions ? { Versions: versions } : {}) },
    (page) => page.LaunchTemplateVersions,
    {
      subject: `launch template '${'id' in template ? template.id : template.name}'`,
      // MaxResults cannot be combined with a list of versions.
      ...(versions ? {} : { pageSize: PAGE_SIZE }),
    },
  );
}

/** Every VPC that matches the filters (e.g. `tag:Name` with a `lab-vpc*` wildcard); none is an empty list. */
export function describeVpcs(ec2: EC2Client, filters: Filter[]): Promise<Vpc[]> {
  return awsPaged(ec2, paginateDescribeVpcs, { Filters: filters }, (page) => page.Vpcs, {
    pageSize: PAGE_SIZE,
  });
}
