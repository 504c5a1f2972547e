import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { describeAllAutoScalingGroups } from '../probes/aws/autoScaling.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import type { FoundVpc } from './findVpc.ts';
import { describeSelector, seedName, selectorMatches, tagsOf } from '../config/discoverySelector.ts';

// The lab's Auto Scaling group: one launching into the VPC's subnets or attached to the ALB's target
// group; attached to the target group wins, then the name or tag.

export interface FoundAutoScalingGroup {
  name: string;
  instanceIds: string[];
}

function subnetsOf(group: AutoScalingGroup): string[] {
  return (group.VPCZoneIdentifier ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
}

function targetGroupsOf(group: AutoScalingGroup): string[] {
  const fromSources = (group.TrafficSources ?? []).map((s) => s.Identifier ?? '');
  return [...(group.TargetGroupARNs ?? []), ...fromSources].filter(Boolean);
}

export async function findAutoScalingGroup(
  context: DiscoveryContext,
  vpc: FoundVpc,
  vpcSubnetIds: ReadonlySet<string>,
  albTargetGroupArns: readonly string[],
): Promise<FoundAutoScalingGroup | undefined> {
  const { selector } = context;
  const attached = (g: AutoScalingGroup) => targetGroupsOf(g).some((arn) => albTargetGroupArns.includes(arn));
  const inVpc = (g: AutoScalingGroup) => {
    const subnets = subnetsOf(g);
    return subnets.length > 0 && subnets.every((id) => vpcSubnetIds.has(id));
  };
  const candidates = (await describeAllAutoScalingGroups(context.clients.autoScaling)).filter(
    (g) => g.AutoScalingGroupName && (attached(g) || inVpc(g)),
  );
  const seed = seedName(selector, '-asg');
  const choice = chooseCandidate(candidates, [
    { label: "attached to the ALB's target group", test: attached },
    {
      label: describeSelector(selector),
      test: (g) => selectorMatches(selector, { name: g.AutoScalingGroupName, tags: tagsOf(g.Tags) }),
    },
    ...(seed
      ? [{ label: `named ${seed}`, test: (g: AutoScalingGroup) => g.AutoScalingGroupName === seed }]
      : []),
  ]);
  if (choice.kind !== 'chosen') {
    context.notes.push({
      section: 'asg',
      field: 'asg.name',
      text:
        choice.kind === 'ambiguous'
          ? `asg: several Auto Scaling groups in ${vpc.id} (${listNames(choice.items.map((g) => g.AutoScalingGroupName ?? '?'))}); set asg.name`
          : `asg: no Auto Scaling group found in ${vpc.id} or attached to the ALB — set asg.name once the lab has one`,
    });
    return undefined;
  }
  return {
    name: choice.item.AutoScalingGroupName!,
    instanceIds: (choice.item.Instances ?? []).map((i) => i.InstanceId ?? '').filter(Boolean),
  };
}
