import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DBInstance } from '@aws-sdk/client-rds';
import { describeNetworkInterfaces } from '../aws/ec2.ts';
import { resolveSqlHost } from '../sql.ts';

// Where a database and its endpoint are, as the failover drills look before and after the failover: the
// instance's status and AZs, the address the endpoint name resolves to, the AZ of an address (from its
// network interface), and a Multi-AZ standby's address, which only EC2's network interfaces show.

export interface InstancePlacement {
  status: string;
  multiAz: boolean;
  az: string | null;
  secondaryAz: string | null;
}

export function placementOf(instance: DBInstance): InstancePlacement {
  return {
    status: instance.DBInstanceStatus ?? 'unknown',
    multiAz: instance.MultiAZ === true,
    az: instance.AvailabilityZone ?? null,
    secondaryAz: instance.SecondaryAvailabilityZone ?? null,
  };
}

/** The address an endpoint name resolves to now, through `resolver` ("HOST:PORT") or the system's servers. */
export async function resolveEndpoint(
  name: string,
  resolver: string | undefined,
  timeoutMs: number,
): Promise<string> {
  return resolveSqlHost({ host: name, port: 0, ...(resolver ? { resolver } : {}) }, timeoutMs);
}

/** The AZ of a private IP from its network interface; null when EC2 does not say. */
export async function azOfAddress(ec2: EC2Client | undefined, address: string): Promise<string | null> {
  if (!ec2) return null;
  try {
    const interfaces = await describeNetworkInterfaces(ec2, [
      { Name: 'addresses.private-ip-address', Values: [address] },
    ]);
    return interfaces[0]?.AvailabilityZone ?? null;
  } catch {
    return null;
  }
}

/**
 * The standby's address, when EC2 shows exactly one other RDS network interface of the instance's security
 * groups in its secondary AZ (the addresses in `exclude`, e.g. the replica's, left out); null when that is
 * not clear-cut.
 */
export async function standbyAddressOf(
  ec2: EC2Client | undefined,
  instance: DBInstance,
  exclude: string[],
): Promise<string | null> {
  const secondaryAz = instance.SecondaryAvailabilityZone;
  const groups = (instance.VpcSecurityGroups ?? [])
    .map((g) => g.VpcSecurityGroupId)
    .filter(Boolean) as string[];
  if (!ec2 || !secondaryAz || groups.length === 0) return null;
  try {
    const interfaces = await describeNetworkInterfaces(ec2, [
      { Name: 'description', Values: ['RDSNetworkInterface'] },
      { Name: 'availability-zone', Values: [secondaryAz] },
      { Name: 'group-id', Values: groups },
    ]);
    const candidates = interfaces
      .map((ni) => ni.PrivateIpAddress)
      .filter((ip): ip is string => typeof ip === 'string' && !exclude.includes(ip));
    return candidates.length === 1 ? candidates[0]! : null;
  } catch {
    return null;
  }
}
