// DNS probe: asks one chosen resolver directly (dns-packet over UDP, TCP when the answer is truncated), so
// neither the OS cache nor /etc/hosts is involved, and follows CNAME chains itself so the chain can be shown.
// resolveWithSystem is the fallback when no resolver is configured. The messages themselves are
// dnsExchange.ts's.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Answer, StringAnswer } from 'dns-packet';
import { ask, type Exchange, sameName } from './dnsExchange.ts';
import { formatHostPort, parseHostPort } from './hostPort.ts';
import { DnsProbeError } from './dnsProbeError.ts';

export interface DnsRecordSeen {
  name: string;
  type: 'A' | 'AAAA' | 'CNAME';
  data: string;
  /** Seconds; -1 when the source does not say (CNAME records seen through the system resolver). */
  ttl: number;
}

export interface DnsResolution {
  query: string;
  /** "HOST:PORT" as asked ("[v6]:PORT" for IPv6), or "system". */
  resolver: string;
  /** Response code of the last answer: NOERROR, NXDOMAIN, SERVFAIL, REFUSED … */
  rcode: string;
  /** Records on the way from the query name to its addresses, in order: CNAMEs, then A/AAAA. */
  chain: DnsRecordSeen[];
  /** Addresses of the last name in the chain. */
  addresses: string[];
  /** CNAME targets in order (the query name first points to cnames[0], and so on). */
  cnames: string[];
  /** Smallest known TTL in the chain, or null when the chain is empty. */
  minTtl: number | null;
  elapsedMs: number;
  /** DNS messages sent, retries and TCP fallbacks included. */
  queries: number;
}

export interface ResolveNameOptions {
  /** "HOST:PORT", "HOST" (port 53), "[IPv6]:PORT" or a bare IPv6 address; HOST must be an IP address. */
  resolver: string;
  type?: 'A' | 'AAAA';
  /** Per message. */
  timeoutMs: number;
  /** Extra tries per message after a timeout or network error. */
  retries: number;
  /** At most 8. */
  maxCnameHops?: number;
}

const MAX_CNAME_HOPS = 8;
/** Answer records looked at per message; a longer answer is cut (a lab name never needs more). */
const MAX_RECORDS = 256;

/** Parses "HOST:PORT" (port 53 when absent; IPv6 in brackets, or bare without a port); HOST is an IP. */
export function parseResolver(text: string): { host: string; port: number } {
  const { host: written, port } = parseHostPort(text.trim(), 53);
  const family = isIP(written);
  if (family === 0) throw new TypeError(`resolver ${JSON.stringify(text)}: host must be an IP address`);
  // Canonical form (e.g. 0:0:0:0:0:0:0:1 → ::1), as the source address of answers will be written.
  const host = family === 6 ? new URL(`http://[${written}]/`).hostname.slice(1, -1) : written;
  if (port === null) throw new TypeError(`resolver ${JSON.stringify(text)}: port must be within 1–65535`);
  return { host, port };
}

/** A CNAME target from an answer; one that is not a valid name makes the answer malformed. */
function aliasTarget(target: string, query: string, resolver: string): string {
  try {
    return normalizeName(target);
  } catch {
    throw new DnsProbeError(
      'malformed',
      `answer for ${query} holds an invalid CNAME target`,
      query,
      resolver,
    );
  }
}

/** Lower-case, no trailing dot; throws on names DNS cannot carry. */
function normalizeName(name: string): string {
  const normalized = name.trim().toLowerCase().replace(/\.$/, '');
  const labels = normalized.split('.');
  if (
    normalized.length === 0 ||
    normalized.length > 253 ||
    labels.some((l) => l.length === 0 || l.length > 63)
  ) {
    throw new TypeError(`not a valid DNS name: ${JSON.stringify(name.slice(0, 300))}`);
  }
  return normalized;
}

function isAddressOrAlias(record: Answer): record is StringAnswer {
  return record.type === 'A' || record.type === 'AAAA' || record.type === 'CNAME';
}

function stringData(record: StringAnswer): string | null {
  return typeof record.data === 'string' ? record.data : null;
}

function summarizeChain(chain: DnsRecordSeen[]): { cnames: string[]; minTtl: number | null } {
  const cnames = chain.filter((r) => r.type === 'CNAME').map((r) => r.data);
  const ttls = chain.map((r) => r.ttl).filter((ttl) => ttl >= 0);
  return { cnames, minTtl: ttls.length > 0 ? Math.min(...ttls) : null };
}

/**
 * Resolves name to addresses through one resolver, following CNAMEs (also across answers: when an answer
 * ends in a CNAME without addresses, its target is asked next), with loop detection and at most
 * maxCnameHops hops. A negative answer (NXDOMAIN, SERVFAIL, no data) is a result, not an error.
 */
export async function resolveName(name: string, options: ResolveNameOptions): Promise<DnsResolution> {
  const started = performance.now();
  const query = normalizeName(name);
  const { host, port } = parseResolver(options.resolver);
  const label = formatHostPort(host, port);
  const type = options.type ?? 'A';
  const maxHops = Math.min(options.maxCnameHops ?? MAX_CNAME_HOPS, MAX_CNAME_HOPS);
  let queries = 0;
  const chain: DnsRecordSeen[] = [];
  const visited = new Set([query]);
  let current = query;
  let hops = 0;

  for (;;) {
    const exchange: Exchange = {
      name: current,
      type,
      host,
      port,
      timeoutMs: options.timeoutMs,
      label,
      query,
    };
    const answer = await ask(exchange, options.retries, () => queries++);
    const rcode = answer.rcode ?? 'NOERROR';
    const records = (answer.answers ?? []).slice(0, MAX_RECORDS).filter(isAddressOrAlias);
    let name = current;
    let addresses: string[] = [];
    // Walk the chain as far as this answer carries it.
    for (;;) {
      const found = records.filter((r) => r.type === type && sameName(r.name, name));
      addresses = found.map(stringData).filter((a): a is string => a !== null);
      if (addresses.length > 0) {
        for (const r of found) chain.push({ name, type, data: stringData(r)!, ttl: r.ttl ?? 0 });
        break;
      }
      const alias = records.find((r) => r.type === 'CNAME' && sameName(r.name, name));
      const target = alias === undefined ? null : stringData(alias);
      if (alias === undefined || target === null) break;
      const next = aliasTarget(target, query, label);
      chain.push({ name, type: 'CNAME', data: next, ttl: alias.ttl ?? 0 });
      if (visited.has(next)) {
        throw new DnsProbeError('cname-loop', `CNAME loop: ${[...visited, next].join(' → ')}`, query, label);
      }
      visited.add(next);
      if (++hops > maxHops) {
        throw new DnsProbeError(
          'too-many-hops',
          `more than ${maxHops} CNAME hops from ${query}`,
          query,
          label,
        );
      }
      name = next;
    }
    // Done when addresses were found, the answer is negative, or it made no progress along a chain.
    if (addresses.length > 0 || rcode !== 'NOERROR' || name === current) {
      const elapsedMs = performance.now() - started;
      return {
        query,
        resolver: label,
        rcode,
        chain,
        addresses,
        ...summarizeChain(chain),
        elapsedMs,
        queries,
      };
    }
    current = name;
  }
}

/** Maps c-ares error codes of node:dns to a response code, or throws for errors that are not answers. */
function systemRcode(error: NodeJS.ErrnoException, query: string): string {
  switch (error.code) {
    case 'ENOTFOUND':
      return 'NXDOMAIN';
    case 'ENODATA':
      return 'NOERROR';
    case 'ESERVFAIL':
      return 'SERVFAIL';
    case 'EREFUSED':
      return 'REFUSED';
    case 'EFORMERR':
      return 'FORMERR';
    case 'ENOTIMP':
      return 'NOTIMP';
    case 'ETIMEOUT':
    case 'ECANCELLED':
      throw new DnsProbeError('timeout', `no answer from the system resolver for ${query}`, query, 'system');
    case 'EBADRESP':
      throw new DnsProbeError(
        'malformed',
        `malformed answer from the system resolver for ${query}`,
        query,
        'system',
      );
    default:
      throw new DnsProbeError('network', `system resolver: ${error.message}`, query, 'system');
  }
}

/**
 * The same resolution through node:dns's Resolver (c-ares: the servers of /etc/resolv.conf, no OS cache),
 * for when no resolver is configured. `servers` replaces the system's servers (e.g. ['127.0.0.1:5353']).
 * CNAME TTLs are not reported by node:dns and show as -1.
 */
export async function resolveWithSystem(
  name: string,
  timeoutMs: number,
  options: { type?: 'A' | 'AAAA'; retries?: number; servers?: string[] } = {},
): Promise<DnsResolution> {
  const started = performance.now();
  const query = normalizeName(name);
  const type = options.type ?? 'A';
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 + (options.retries ?? 0) });
  if (options.servers) resolver.setServers(options.servers);
  const chain: DnsRecordSeen[] = [];
  let queries = 0;
  // c-ares gives each try the timeout and doubles it per retry; this bounds the whole call as well.
  const overall = setTimeout(
    () => resolver.cancel(),
    timeoutMs * (2 ** (1 + (options.retries ?? 0)) - 1) * 2,
  );
  try {
    const visited = new Set([query]);
    let current = query;
    let rcode = 'NOERROR';
    for (let hop = 0; ; hop++) {
      let target: string | undefined;
      try {
        queries++;
        target = (await resolver.resolveCname(current))[0];
      } catch (error) {
        rcode = systemRcode(error as NodeJS.ErrnoException, query);
        if (rcode === 'NOERROR')
          target = undefined; // no CNAME here: the name itself holds the addresses
        else break;
      }
      if (target === undefined) break;
      const next = aliasTarget(target, query, 'system');
      chain.push({ name: current, type: 'CNAME', data: next, ttl: -1 });
      if (visited.has(next)) {
        throw new DnsProbeError(
          'cname-loop',
          `CNAME loop: ${[...visited, next].join(' → ')}`,
          query,
          'system',
        );
      }
      if (hop + 1 > MAX_CNAME_HOPS) {
        throw new DnsProbeError(
          'too-many-hops',
          `more than ${MAX_CNAME_HOPS} CNAME hops from ${query}`,
          query,
          'system',
        );
      }
      visited.add(next);
      current = next;
    }
    let addresses: string[] = [];
    if (rcode === 'NOERROR') {
      try {
        queries++;
        const found =
          type === 'A'
            ? await resolver.resolve4(current, { ttl: true })
            : await resolver.resolve6(current, { ttl: true });
        for (const r of found.slice(0, MAX_RECORDS))
          chain.push({ name: current, type, data: r.address, ttl: r.ttl });
        addresses = found.slice(0, MAX_RECORDS).map((r) => r.address);
      } catch (error) {
        rcode = systemRcode(error as NodeJS.ErrnoException, query);
      }
    }
    const elapsedMs = performance.now() - started;
    return {
      query,
      resolver: 'system',
      rcode,
      chain,
      addresses,
      ...summarizeChain(chain),
      elapsedMs,
      queries,
    };
  } finally {
    clearTimeout(overall);
    resolver.cancel();
  }
}
