import type { Listener, LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  describeAllLoadBalancers,
  describeListeners,
  describeLoadBalancerTags,
  describeTargetGroups,
  describeTargetHealth,
} from '../probes/aws/elbv2.ts';
import type { Stack } from '../config/schema.ts';
import { chooseCandidate, listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';
import type { FoundVpc } from './findVpc.ts';
import { describeSelector, seedName, selectorMatches, tagsOf } from '../config/discoverySelector.ts';

// The lab's application load balancer in the VPC (internet-facing preferred: an internal one is still
// found, so that alb.placement can say what is wrong), its URL, and how many targets share the traffic.

export interface FoundLoadBalancer {
  section: NonNullable<Stack['alb']>;
  targetGroupArns: string[];
  /** Instance ids registered in its target groups. */
  targetInstanceIds: string[];
}

/** Target states that mean "not meant to take traffic": on the way out, or not registered at all. */
const leavingStates = new Set(['draining', 'unused']);

/** `http://DNS/` for the HTTP:80 listener; another port or HTTPS when that is all the ALB listens on. */
export function loadBalancerUrl(dnsName: string, listeners: readonly Listener[]): string {
  const http = listeners.filter((l) => l.Protocol === 'HTTP');
  const https = listeners.filter((l) => l.Protocol === 'HTTPS');
  if (http.length === 0 && https.length > 0) {
    const port = https.some((l) => l.Port === 443) ? 443 : (https[0]?.Port ?? 443);
    return `https://${dnsName}${port === 443 ? '' : `:${port}`}/`;
  }
  const port = http.length === 0 || http.some((l) => l.Port === 80) ? 80 : (http[0]?.Port ?? 80);
  return `http://${dnsName}${port === 80 ? '' : `:${port}`}/`;
}

export async function findLoadBalancer(
  context: DiscoveryContext,
  vpc: FoundVpc,
): Promise<FoundLoadBalancer | undefined> {
  const { elbv2 } = context.clients;
  const { selector } = context;
  const inVpc = (await describeAllLoadBalancers(elbv2)).filter(
    (lb) => lb.Type === 'application' && lb.VpcId === vpc.id && lb.LoadBalancerArn,
  );
  const tags = new Map<string, Record<string, string>>();
  if (selector.kind === 'tag' && inVpc.length > 0) {
    const descriptions = await describeLoadBalancerTags(
      elbv2,
      inVpc.map((lb) => lb.LoadBalancerArn!),
    );
    for (const d of descriptions) if (d.ResourceArn) tags.set(d.ResourceArn, tagsOf(d.Tags));
  }
  const seed = seedName(selector, '-alb-asg');
  const choice = chooseCandidate<LoadBalancer>(inVpc, [
    { label: 'internet-facing', test: (lb) => lb.Scheme === 'internet-facing' },
    {
      label: describeSelector(selector),
      test: (lb) =>
        selectorMatches(selector, { name: lb.LoadBalancerName, tags: tags.get(lb.LoadBalancerArn!) ?? {} }),
    },
    ...(seed ? [{ label: `named ${seed}`, test: (lb: LoadBalancer) => lb.LoadBalancerName === seed }] : []),
    { label: 'active', test: (lb) => lb.State?.Code === 'active' },
  ]);
  if (choice.kind !== 'chosen') {
    context.notes.push({
      section: 'alb',
      field: 'alb.name',
      text:
        choice.kind === 'ambiguous'
          ? `alb: several application load balancers in ${vpc.id} (${listNames(choice.items.map((lb) => lb.LoadBalancerName ?? '?'))}); set alb.name, alb.url and alb.dnsName`
          : `alb: no application load balancer found in ${vpc.id} — set alb.name, alb.url (http://DNS-NAME/) and alb.dnsName`,
    });
    return undefined;
  }
  const lb = choice.item;
  const dnsName = lb.DNSName ?? '';
  const [listeners, groups] = await Promise.all([
    describeListeners(elbv2, lb.LoadBalancerArn!),
    describeTargetGroups(elbv2, { loadBalancerArn: lb.LoadBalancerArn! }),
  ]);
  const health = (
    await Promise.all(groups.map((group) => describeTargetHealth(elbv2, group.TargetGroupArn!)))
  ).flat();
  const targetIds = [
    ...new Set(
      health
        .filter((h) => !leavingStates.has(h.TargetHealth?.State ?? ''))
        .map((h) => h.Target?.Id)
        .filter((id): id is string => Boolean(id)),
    ),
  ];
  const section: NonNullable<Stack['alb']> = {
    name: lb.LoadBalancerName!,
    ...(dnsName ? { url: loadBalancerUrl(dnsName, listeners), dnsName } : {}),
    ...(targetIds.length > 0 ? { expectedTargets: targetIds.length } : {}),
  };
  if (targetIds.length === 0) {
    context.notes.push({
      section: 'alb',
      field: 'alb.expectedTargets',
      text: `alb: ${lb.LoadBalancerName} has no registered targets — register the app instances (or attach the Auto Scaling group) and set alb.expectedTargets`,
    });
  }
  return {
    section,
    targetGroupArns: groups.map((g) => g.TargetGroupArn!).filter(Boolean),
    targetInstanceIds: targetIds.filter((id) => id.startsWith('i-')),
  };
}
