import type { TargetHealthDescription } from '@aws-sdk/client-elastic-load-balancing-v2';
import { partFrom, type RuleResult } from './ruleResult.ts';

// alb.targets.healthy: every registered target healthy, a healthy target in each AZ that has targets, and
// targets in at least two AZs.

export interface AlbTargetsInput {
  /** DescribeTargetHealth of every target group behind the listener(s). */
  targetHealth: readonly TargetHealthDescription[];
  /** AZ of each instance target (from DescribeInstances); IP targets may carry their own. */
  zoneOfTarget: Readonly<Record<string, string>>;
  /** The AZs the load balancer is enabled in (DescribeLoadBalancers), for the fix text. */
  loadBalancerZones?: readonly string[];
}

export function checkAlbTargets(input: AlbTargetsInput): RuleResult {
  const targets = input.targetHealth.map((description) => {
    const id = description.Target?.Id ?? 'unknown target';
    const state = description.TargetHealth?.State ?? 'unknown';
    return {
      id,
      port: description.Target?.Port ?? null,
      az: input.zoneOfTarget[id] ?? description.Target?.AvailabilityZone ?? 'unknown AZ',
      state,
      reason: description.TargetHealth?.Reason ?? null,
      description: description.TargetHealth?.Description ?? null,
    };
  });
  const zones = [...new Set(targets.map((t) => t.az))].sort();
  const healthyByZone: { [az: string]: number } = {};
  for (const az of zones)
    healthyByZone[az] = targets.filter((t) => t.az === az && t.state === 'healthy').length;
  const details = { targets, healthyByZone };
  if (targets.length === 0) {
    const none = 'no targets are registered in the target group';
    return {
      ok: false,
      reason: none,
      fix: 'register the app instances (or attach the target group to the Auto Scaling group)',
      details,
      parts: [partFrom('all-healthy', [none], ''), partFrom('healthy-per-az', [none], '')],
    };
  }
  const unhealthy = targets.filter((t) => t.state !== 'healthy');
  const zonesWithoutHealthy = zones.filter((az) => healthyByZone[az] === 0);
  const perZoneText = zones.map((az) => `${healthyByZone[az]} in ${az}`).join(', ');
  const parts = [
    partFrom(
      'all-healthy',
      unhealthy.map((t) => `${t.id} (${t.az}) is ${t.state}${t.reason ? `: ${t.reason}` : ''}`),
      `all ${targets.length} targets healthy`,
    ),
    partFrom(
      'healthy-per-az',
      [
        ...zonesWithoutHealthy.map((az) => `no healthy target in ${az}`),
        ...(zones.length < 2 ? [`targets only in ${zones[0]}; the lab needs targets in 2 AZs`] : []),
      ],
      `healthy targets: ${perZoneText}`,
    ),
  ];
  if (unhealthy.length > 0) {
    const list = unhealthy
      .map(
        (t) =>
          `${t.id} (${t.az}) is ${t.state}${t.reason ? `: ${t.reason}` : ''}${t.description ? ` "${t.description}"` : ''}`,
      )
      .join('; ');
    const emptyZones = zones.filter((az) => healthyByZone[az] === 0);
    const zonePart = emptyZones.length > 0 ? `; no healthy target in ${emptyZones.join(', ')}` : '';
    return {
      ok: false,
      reason: `${unhealthy.length} of ${targets.length} targets are not healthy: ${list}${zonePart}`,
      fix: 'make the health check path answer 200 on the traffic port (Apache running, index.php present, SG allows port 80 from the ALB)',
      details,
      parts,
    };
  }
  if (zones.length < 2) {
    // Name the stack's own other AZs: those the load balancer is enabled in but has no target in.
    const others = (input.loadBalancerZones ?? []).filter((az) => !zones.includes(az));
    const where = others.length > 0 ? ` (${others.join(', ')})` : '';
    return {
      ok: false,
      reason: `all ${targets.length} targets are in ${zones[0]}; the lab needs targets in 2 AZs`,
      fix: `register an app instance from the load balancer's other AZ${where} in the target group`,
      details,
      parts,
    };
  }
  return { ok: true, reason: `all ${targets.length} targets healthy: ${perZoneText}`, details, parts };
}
