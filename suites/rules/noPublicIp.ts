import type { Instance } from '@aws-sdk/client-ec2';
import { labelled } from './resourceNames.ts';
import type { RuleResult } from './ruleResult.ts';

// net.private.no-public-ip: app servers sit behind the ALB and have no public address.

export function checkNoPublicIp(instances: readonly Instance[]): RuleResult {
  const rows = instances.map((instance) => {
    const publicIps = new Set<string>();
    if (instance.PublicIpAddress) publicIps.add(instance.PublicIpAddress);
    for (const eni of instance.NetworkInterfaces ?? [])
      if (eni.Association?.PublicIp) publicIps.add(eni.Association.PublicIp);
    return {
      instance: labelled(instance.InstanceId, instance.Tags),
      az: instance.Placement?.AvailabilityZone ?? 'unknown AZ',
      subnetId: instance.SubnetId ?? '',
      privateIp: instance.PrivateIpAddress ?? '',
      publicIps: [...publicIps],
    };
  });
  const details = { instances: rows };
  if (rows.length === 0) return { ok: false, reason: 'no app instances to check', details };
  const exposed = rows.filter((row) => row.publicIps.length > 0);
  if (exposed.length > 0) {
    const list = exposed
      .map((row) => `${row.instance} in ${row.az} has public IP ${row.publicIps.join(', ')}`)
      .join('; ');
    return {
      ok: false,
      reason: `${exposed.length} of ${rows.length} app instances can be reached from the internet: ${list}`,
      fix: 'launch app instances in the private subnets with "Auto-assign public IP" disabled (launch template: no public IP) and release any Elastic IP',
      details,
    };
  }
  return { ok: true, reason: `none of the ${rows.length} app instances has a public IP`, details };
}
