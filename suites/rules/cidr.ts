// IPv4 CIDR arithmetic for security group and route rules.

export interface Ipv4Block {
  base: number;
  prefix: number;
}

export function parseIpv4(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function parseCidr(cidr: string): Ipv4Block | null {
  const [address, prefixText] = cidr.split('/');
  const base = parseIpv4(address ?? '');
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (base === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), prefix };
}

function blockEnd(block: Ipv4Block): number {
  return block.base + 2 ** (32 - block.prefix) - 1;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a || !b) return false;
  return a.base >= b.base && blockEnd(a) <= blockEnd(b);
}

export function cidrContainsIp(cidr: string, ip: string): boolean {
  return cidrWithin(`${ip}/32`, cidr);
}

export const WORLD_CIDRS = new Set(['0.0.0.0/0', '::/0']);
