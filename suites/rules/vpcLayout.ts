import type { RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { partFrom, type RuleResult } from './ruleResult.ts';
import { isPrivateRole, subnetViews, zonesOf } from './subnetRoles.ts';

// net.vpc.layout: public and private subnets in at least two AZs.

export interface VpcLayoutInput {
  vpcId: string;
  subnets: readonly Subnet[];
  routeTables: readonly RouteTable[];
}

export function checkVpcLayout(input: VpcLayoutInput): RuleResult {
  const views = subnetViews(input.subnets, input.routeTables);
  const publicZones = zonesOf(views.filter((view) => view.role === 'public'));
  const privateZones = zonesOf(views.filter((view) => isPrivateRole(view.role)));
  const details = {
    vpcId: input.vpcId,
    publicZones,
    privateZones,
    subnets: views.map((view) => ({
      id: view.id,
      label: view.label,
      az: view.az,
      cidr: view.cidr,
      role: view.role,
      routeTableId: view.routeTableId,
      defaultTarget: view.defaultTarget,
    })),
  };
  const problems: string[] = [];
  const fixes: string[] = [];
  if (views.length === 0) {
    const none = `the VPC ${input.vpcId} has no subnets`;
    return {
      ok: false,
      reason: none,
      fix: 'create public and private subnets in two AZs (a and c)',
      details,
      parts: [partFrom('public-two-azs', [none], ''), partFrom('private-two-azs', [none], '')],
    };
  }
  const publicProblems: string[] = [];
  const privateProblems: string[] = [];
  if (publicZones.length < 2) {
    publicProblems.push(
      publicZones.length === 0
        ? 'no subnet is public (none has a route table that sends 0.0.0.0/0 to an internet gateway)'
        : `public subnets only in ${publicZones.join(', ')}`,
    );
    fixes.push(
      'make a public subnet in each of two AZs: associate it with the route table that sends 0.0.0.0/0 to the internet gateway',
    );
  }
  if (privateZones.length < 2) {
    privateProblems.push(
      privateZones.length === 0
        ? 'no subnet is private'
        : `private subnets only in ${privateZones.join(', ')}`,
    );
    fixes.push(
      'make a private subnet in each of two AZs, with its own route table (0.0.0.0/0 to the NAT gateway of that AZ)',
    );
  }
  problems.push(...publicProblems, ...privateProblems);
  const parts = [
    partFrom('public-two-azs', publicProblems, `public subnets in ${publicZones.join(', ')}`),
    partFrom('private-two-azs', privateProblems, `private subnets in ${privateZones.join(', ')}`),
  ];
  if (problems.length > 0) {
    return {
      ok: false,
      reason: `${problems.join('; ')}: the lab needs public and private subnets in 2 AZs`,
      fix: fixes.join('; '),
      details,
      parts,
    };
  }
  return {
    ok: true,
    reason: `public subnets in ${publicZones.join(', ')}; private subnets in ${privateZones.join(', ')}`,
    details,
    parts,
  };
}
