import type { Instance, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { labelled } from './resourceNames.ts';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';
import { subnetViews } from './subnetRoles.ts';

// alb.placement: an internet-facing load balancer in public subnets of two AZs, with its targets in
// private subnets (seed 003 put the load balancer in the private subnets).

export interface AlbPlacementInput {
  loadBalancer: LoadBalancer;
  subnets: readonly Subnet[];
  routeTables: readonly RouteTable[];
  targetInstances: readonly Instance[];
}

export function checkAlbPlacement(input: AlbPlacementInput): RuleResult {
  const views = new Map(subnetViews(input.subnets, input.routeTables).map((view) => [view.id, view]));
  const lb = input.loadBalancer;
  const lbName = lb.LoadBalancerName ?? 'the load balancer';
  const lbSubnets = (lb.AvailabilityZones ?? []).map((zone) => {
    const view = views.get(zone.SubnetId ?? '');
    return {
      subnet: view?.label ?? zone.SubnetId ?? '',
      az: zone.ZoneName ?? view?.az ?? 'unknown AZ',
      role: view?.role ?? 'unknown',
    };
  });
  const targets = input.targetInstances.map((instance) => {
    const view = views.get(instance.SubnetId ?? '');
    return {
      instance: labelled(instance.InstanceId, instance.Tags),
      subnet: view?.label ?? instance.SubnetId ?? '',
      az: instance.Placement?.AvailabilityZone ?? view?.az ?? 'unknown AZ',
      role: view?.role ?? 'unknown',
    };
  });
  const details = { loadBalancer: lbName, scheme: lb.Scheme ?? 'unknown', subnets: lbSubnets, targets };
  const problems: string[] = [];
  // By part: where the load balancer is (scheme, public subnets, two AZs), and where its targets are.
  const lbProblems: string[] = [];
  const targetProblems: string[] = [];
  const problemIn = (part: string[], text: string) => {
    problems.push(text);
    part.push(text);
  };
  const fixes: string[] = [];
  if (lb.Scheme !== 'internet-facing') {
    problemIn(
      lbProblems,
      `${lbName} is ${lb.Scheme ?? 'not internet-facing'}, so the internet cannot reach it`,
    );
    fixes.push('create the load balancer with scheme "Internet-facing"');
  }
  const notPublic = lbSubnets.filter((s) => s.role !== 'public');
  if (notPublic.length > 0) {
    problemIn(
      lbProblems,
      `the load balancer is in ${notPublic.map((s) => s.role).includes('unknown') ? 'non-public' : 'private'} subnets ${notPublic.map((s) => `${s.subnet} (${s.az})`).join(', ')}, so the internet cannot reach it`,
    );
    fixes.push(
      "edit the load balancer's network mapping: choose the public subnets (route 0.0.0.0/0 to the internet gateway) of both AZs",
    );
  }
  const lbZones = new Set(lbSubnets.map((s) => s.az));
  if (lbZones.size < 2) {
    problemIn(lbProblems, `the load balancer is enabled in ${lbZones.size} AZ(s); the lab uses 2`);
    fixes.push('enable a public subnet in a second AZ on the load balancer');
  }
  const publicTargets = targets.filter((t) => t.role === 'public');
  if (publicTargets.length > 0) {
    problemIn(
      targetProblems,
      `targets ${publicTargets.map((t) => `${t.instance} in ${t.subnet}`).join(', ')} are in public subnets; app servers belong in the private subnets`,
    );
    fixes.push('launch the app instances (or the Auto Scaling group) in the private subnets');
  }
  const parts = [
    partFrom(
      'public-subnets',
      lbProblems,
      `${lbName} is internet-facing in public subnets of ${[...lbZones].sort().join(', ')}`,
    ),
    partFrom('private-targets', targetProblems, `its ${targets.length} targets are in private subnets`),
  ];
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), details, parts };
  }
  return {
    ok: true,
    reason: `${lbName} is internet-facing in public subnets of ${[...lbZones].sort().join(', ')}; its ${targets.length} targets are in private subnets`,
    details,
    parts,
  };
}
