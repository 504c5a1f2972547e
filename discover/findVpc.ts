import type { Filter, Vpc } from '@aws-sdk/client-ec2';
import { describeVpcs } from '../probes/aws/ec2.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import { describeSelector, tagsOf } from '../config/discoverySelector.ts';

// The lab's VPC: by Name prefix (EC2 filters with a trailing wildcard) or by tag. Everything but the
// bucket and the distribution is looked for inside it.

export interface FoundVpc {
  id: string;
  name: string | undefined;
}

export function vpcName(vpc: Vpc): string | undefined {
  return tagsOf(vpc.Tags).Name;
}

export async function findLabVpc(context: DiscoveryContext): Promise<FoundVpc | undefined> {
  const { selector } = context;
  const filters: Filter[] =
    selector.kind === 'name-prefix'
      ? [{ Name: 'tag:Name', Values: [`${selector.prefix}*`] }]
      : [{ Name: `tag:${selector.key}`, Values: [selector.value] }];
  const vpcs = await describeVpcs(context.clients.ec2, filters);
  const choice = chooseCandidate(vpcs, [
    ...(selector.kind === 'name-prefix'
      ? [{ label: 'exact name', test: (vpc: Vpc) => vpcName(vpc) === selector.prefix }]
      : []),
  ]);
  if (choice.kind === 'chosen' && choice.item.VpcId) {
    return { id: choice.item.VpcId, name: vpcName(choice.item) };
  }
  const what =
    choice.kind === 'ambiguous'
      ? `several VPCs match ${describeSelector(selector)} (${listNames(choice.items.map((v) => `${v.VpcId} ${vpcName(v) ?? ''}`.trim()))}); pass a narrower --name-prefix or --tag, or set vpc.id`
      : `no VPC found with ${describeSelector(selector)} — set vpc.id or vpc.name`;
  context.notes.push({
    section: 'vpc',
    field: 'vpc.id',
    text: `vpc: ${what}\n(the ALB, Auto Scaling group, RDS and EFS are looked for inside the lab's VPC)`,
  });
  return undefined;
}
