import { isIP } from 'node:net';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { parseHostPort } from '../hostPort.ts';
import { describeInstances, type InstanceQuery } from './ec2.ts';

// The stack's bastion host, ec2.bastion, in its three forms: an instance id, a Name tag, or the address SSH
// reaches it at (an IP, or HOST:PORT). The security-group check wants the instance; SSH wants the address.
// Each is found from the other form through EC2, so one field serves both.

export type BastionRef =
  | { kind: 'instance-id'; id: string }
  | { kind: 'name-tag'; name: string }
  | { kind: 'address'; host: string; port: number };

/** The SSH port when the field gives none. */
const sshPort = 22;

export function parseBastion(value: string): BastionRef {
  if (/^i-[0-9a-f]{8,17}$/.test(value)) return { kind: 'instance-id', id: value };
  if (isIP(value) !== 0) return { kind: 'address', host: value, port: sshPort };
  const { host, port, portGiven, bracketed } = parseHostPort(value, sshPort);
  const address = bracketed ? /^[0-9A-Fa-f:.]+$/.test(host) : portGiven && /^[A-Za-z0-9.-]+$/.test(host);
  if (address && port !== null) return { kind: 'address', host, port };
  // Anything else names the instance: a Name tag may hold spaces, dots or colons, and a host name without
  // a port would read as one too, which is why an address takes a port unless it is an IP.
  return { kind: 'name-tag', name: value };
}

/** How to ask EC2 for the bastion; null for a host name, which EC2 cannot search by. */
function bastionQuery(ref: BastionRef): InstanceQuery | null {
  switch (ref.kind) {
    case 'instance-id':
      return { ids: [ref.id] };
    case 'name-tag':
      return { filters: [{ Name: 'tag:Name', Values: [ref.name] }] };
    case 'address':
      return isIP(ref.host) === 4 ? { filters: [{ Name: 'ip-address', Values: [ref.host] }] } : null;
  }
}

/** The bastion's instances (its security groups are what the network checks read); none when not found. */
export async function describeBastion(ec2: EC2Client, value: string): Promise<Instance[]> {
  const query = bastionQuery(parseBastion(value));
  return query === null ? [] : describeInstances(ec2, query);
}

/**
 * Where SSH reaches the bastion: the field's own address, or the public IP (else public DNS name) of the
 * running instance it names, on port 22. Throws with a one-line reason when there is none.
 */
export async function bastionSshAddress(
  ec2: EC2Client,
  value: string,
): Promise<{ host: string; port: number }> {
  const ref = parseBastion(value);
  if (ref.kind === 'address') return { host: ref.host, port: ref.port };
  const found = (await describeBastion(ec2, value)).filter((i) => i.State?.Name === 'running');
  const host = found
    .map((i) => i.PublicIpAddress ?? i.PublicDnsName)
    .find((h) => h !== undefined && h !== '');
  if (host === undefined) {
    throw new Error(
      found.length === 0
        ? `ec2.bastion ${value}: no running instance by that ${ref.kind === 'instance-id' ? 'id' : 'Name tag'}`
        : `ec2.bastion ${value}: the instance has no public IP; give ec2.bastion as the HOST:PORT SSH reaches it at`,
    );
  }
  return { host, port: sshPort };
}
