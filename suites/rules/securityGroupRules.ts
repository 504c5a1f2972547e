import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import { WORLD_CIDRS } from './cidr.ts';

// Reading inbound security group rules: who may reach a port.

export interface InboundSource {
  /** A CIDR (IPv4 or IPv6), or a security group id. */
  kind: 'cidr' | 'group';
  value: string;
  fromPort: number;
  toPort: number;
}

function coversPort(permission: IpPermission, port: number): boolean {
  const protocol = permission.IpProtocol ?? '';
  if (protocol === '-1' || protocol === 'all') return true;
  if (protocol !== 'tcp' && protocol !== '6') return false;
  const from = permission.FromPort ?? 0;
  const to = permission.ToPort ?? 65535;
  return from <= port && port <= to;
}

/** Every source that the groups let in on a TCP port. */
export function sourcesForPort(groups: readonly SecurityGroup[], port: number): InboundSource[] {
  const sources: InboundSource[] = [];
  for (const group of groups) {
    for (const permission of group.IpPermissions ?? []) {
      if (!coversPort(permission, port)) continue;
      const all = permission.IpProtocol === '-1' || permission.IpProtocol === 'all';
      const fromPort = all ? 0 : (permission.FromPort ?? 0);
      const toPort = all ? 65535 : (permission.ToPort ?? 65535);
      for (const range of permission.IpRanges ?? [])
        if (range.CidrIp) sources.push({ kind: 'cidr', value: range.CidrIp, fromPort, toPort });
      for (const range of permission.Ipv6Ranges ?? [])
        if (range.CidrIpv6) sources.push({ kind: 'cidr', value: range.CidrIpv6, fromPort, toPort });
      for (const pair of permission.UserIdGroupPairs ?? [])
        if (pair.GroupId) sources.push({ kind: 'group', value: pair.GroupId, fromPort, toPort });
    }
  }
  return sources;
}

export const isWorld = (source: InboundSource): boolean =>
  source.kind === 'cidr' && WORLD_CIDRS.has(source.value);

export function describeSource(source: InboundSource): string {
  const ports =
    source.fromPort === source.toPort
      ? `port ${source.fromPort}`
      : source.fromPort === 0 && source.toPort === 65535
        ? 'all ports'
        : `ports ${source.fromPort}-${source.toPort}`;
  return `${source.value} (${ports})`;
}
