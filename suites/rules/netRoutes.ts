import type { InternetGateway, NatGateway, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { labelled } from './resourceNames.ts';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';
import { subnetViews } from './subnetRoles.ts';

// net.routes: public subnets send 0.0.0.0/0 to an internet gateway attached to the VPC; each private
// subnet sends it to an available NAT gateway in its own AZ, and that NAT gateway sits in a public subnet.

export interface NetRoutesInput {
  vpcId: string;
  subnets: readonly Subnet[];
  routeTables: readonly RouteTable[];
  natGateways: readonly NatGateway[];
  internetGateways: readonly InternetGateway[];
  /** Subnets that hold app instances: they must reach the internet through a NAT gateway. */
  appSubnetIds?: readonly string[];
}

export function checkNetRoutes(input: NetRoutesInput): RuleResult {
  const views = subnetViews(input.subnets, input.routeTables);
  const viewById = new Map(views.map((view) => [view.id, view]));
  const natById = new Map(input.natGateways.map((nat) => [nat.NatGatewayId ?? '', nat]));
  const attachedIgws = new Set(
    input.internetGateways
      // AWS reports an attached internet gateway as `available`, although the SDK's enum says `attached`.
      .filter((igw) =>
        igw.Attachments?.some(
          (a) => a.VpcId === input.vpcId && ['available', 'attached'].includes(String(a.State)),
        ),
      )
      .map((igw) => igw.InternetGatewayId ?? ''),
  );
  const appSubnets = new Set(input.appSubnetIds ?? []);
  const problems: string[] = [];
  // The same problems by part: a public subnet's route (public-igw) or a private one's (private-nat-same-az).
  const publicProblems: string[] = [];
  const privateProblems: string[] = [];
  const fixes: string[] = [];
  const notes: string[] = [];
  const perSubnet: { [key: string]: string }[] = [];

  for (const view of views) {
    const where = `the ${view.role} subnet in ${view.az} (${view.label})`;
    let verdict = 'ok';
    const problem = (text: string, fix: string) => {
      problems.push(text);
      (view.role === 'public' ? publicProblems : privateProblems).push(text);
      fixes.push(fix);
      verdict = text;
    };
    if (view.defaultRouteState === 'blackhole') {
      problem(
        `${where} routes 0.0.0.0/0 to ${view.defaultTarget}, which no longer exists (blackhole)`,
        `edit route table ${view.routeTableId}: point 0.0.0.0/0 at a working gateway`,
      );
    } else if (view.role === 'public') {
      if (!attachedIgws.has(view.defaultTarget ?? '')) {
        problem(
          `${where} routes 0.0.0.0/0 to ${view.defaultTarget}, an internet gateway not attached to ${input.vpcId}`,
          `attach the internet gateway to ${input.vpcId}`,
        );
      }
    } else if (view.role === 'isolated') {
      if (appSubnets.has(view.id)) {
        problem(
          `${where} holds app instances but has no 0.0.0.0/0 route, so they cannot reach the internet (yum, updates)`,
          `add 0.0.0.0/0 → the NAT gateway in ${view.az} to route table ${view.routeTableId}`,
        );
      } else {
        notes.push(`${where} has no 0.0.0.0/0 route (fine for DB subnets)`);
      }
    } else if (!view.defaultTarget?.startsWith('nat-')) {
      problem(
        `${where} routes 0.0.0.0/0 to ${view.defaultTarget}, not to a NAT gateway`,
        `route 0.0.0.0/0 of ${view.routeTableId} to the NAT gateway in ${view.az}`,
      );
    } else {
      const nat = natById.get(view.defaultTarget);
      const natSubnet = viewById.get(nat?.SubnetId ?? '');
      const natLabel = nat ? labelled(nat.NatGatewayId, nat.Tags) : view.defaultTarget;
      if (!nat || nat.State === 'deleted' || nat.State === 'deleting') {
        problem(
          `${where} routes 0.0.0.0/0 to NAT gateway ${view.defaultTarget}, which does not exist`,
          `create a NAT gateway in a public subnet of ${view.az} and route 0.0.0.0/0 to it`,
        );
      } else if (nat.State !== 'available') {
        problem(
          `${where} routes 0.0.0.0/0 to NAT gateway ${natLabel}, which is ${nat.State}`,
          `wait for NAT gateway ${natLabel} to become available, or replace it`,
        );
      } else if (natSubnet && natSubnet.az !== view.az) {
        problem(
          `${where} routes 0.0.0.0/0 to a NAT gateway in ${natSubnet.az} (${natLabel})`,
          `create a NAT gateway in the public subnet of ${view.az} and route ${view.routeTableId}'s 0.0.0.0/0 to it (one NAT per AZ)`,
        );
      } else if (natSubnet && natSubnet.role !== 'public') {
        problem(
          `NAT gateway ${natLabel} used by ${where} sits in ${natSubnet.role} subnet ${natSubnet.label}, so it cannot reach the internet`,
          `recreate NAT gateway ${natLabel} in the public subnet of ${view.az}`,
        );
      } else if (!natSubnet) {
        notes.push(`NAT gateway ${natLabel} is in subnet ${nat.SubnetId}, which is not in ${input.vpcId}`);
      }
    }
    perSubnet.push({
      subnet: view.label,
      az: view.az,
      role: view.role,
      defaultTarget: view.defaultTarget ?? 'none',
      verdict,
    });
  }

  const details = { vpcId: input.vpcId, subnets: perSubnet, internetGateways: [...attachedIgws], notes };
  const privateCount = views.filter((view) => view.role === 'private').length;
  const publicCount = views.filter((view) => view.role === 'public').length;
  const parts = [
    partFrom(
      'public-igw',
      publicProblems,
      `${publicCount} public subnet(s) route 0.0.0.0/0 to the internet gateway`,
    ),
    partFrom(
      'private-nat-same-az',
      privateProblems,
      `${privateCount} private subnet(s) route 0.0.0.0/0 to the NAT gateway in their own AZ`,
    ),
  ];
  if (problems.length > 0)
    return { ok: false, reason: summarize(problems), ...withFix(joinFixes(fixes)), notes, details, parts };
  return {
    ok: true,
    reason: `${publicCount} public subnet(s) route to the internet gateway; ${privateCount} private subnet(s) route to the NAT gateway in their own AZ`,
    notes,
    details,
    parts,
  };
}

function withFix(fix: string | undefined): { fix?: string } {
  return fix ? { fix } : {};
}
