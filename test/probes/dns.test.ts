import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResolver, resolveName, resolveWithSystem } from '../../probes/dns.ts';
import { DnsProbeError } from '../../probes/dnsProbeError.ts';
import { type DnsTestServer, startDnsTestServer, type ZoneRecord } from './dnsTestServer.ts';

const bigAddresses = Array.from({ length: 60 }, (_, i) => `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}`);
const hopNames = Array.from({ length: 11 }, (_, i) => `hop${i}.lab.test`);

const zone: ZoneRecord[] = [
  { name: 'web.lab.test', type: 'A', data: '10.1.3.25', ttl: 60 },
  { name: 'web.lab.test', type: 'A', data: '10.1.4.25', ttl: 30 },
  { name: 'web.lab.test', type: 'AAAA', data: '2001:db8::25', ttl: 60 },
  // dev → alb → web: a full chain in one answer (as recursive resolvers send it)
  { name: 'dev.lab.test', type: 'CNAME', data: 'alb.lab.test', ttl: 300 },
  { name: 'alb.lab.test', type: 'CNAME', data: 'web.lab.test', ttl: 5 },
  // split → web: the answer carries only the CNAME
  { name: 'split.lab.test', type: 'CNAME', data: 'web.lab.test', ttl: 120 },
  // dangling → gone (not in the zone): NXDOMAIN with the CNAME in the answer
  { name: 'dangling.lab.test', type: 'CNAME', data: 'gone.lab.test', ttl: 10 },
  { name: 'loop1.lab.test', type: 'CNAME', data: 'loop2.lab.test', ttl: 10 },
  { name: 'loop2.lab.test', type: 'CNAME', data: 'loop1.lab.test', ttl: 10 },
  ...hopNames
    .slice(0, -1)
    .map((name, i) => ({ name, type: 'CNAME' as const, data: hopNames[i + 1]!, ttl: 10 })),
  { name: hopNames.at(-1)!, type: 'A', data: '10.1.1.1', ttl: 10 },
  ...bigAddresses.map((data) => ({ name: 'big.lab.test', type: 'A' as const, data, ttl: 60 })),
  { name: 'forged.lab.test', type: 'A', data: '10.1.3.99', ttl: 60 },
];

let server: DnsTestServer;
let silent: DnsTestServer;
let server6: DnsTestServer;
let resolver: string;

beforeAll(async () => {
  server = await startDnsTestServer(zone, {
    oneHopOnly: new Set(['split.lab.test', 'loop1.lab.test', 'loop2.lab.test', ...hopNames]),
    truncateOverUdp: new Set(['big.lab.test']),
    forgeFirst: new Set(['forged.lab.test']),
  });
  silent = await startDnsTestServer(zone, {}, { silent: true });
  server6 = await startDnsTestServer(zone, {}, { host: '::1' });
  resolver = `${server.host}:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await silent?.close();
  await server6?.close();
});

const options = () => ({ resolver, timeoutMs: 1000, retries: 1 });

describe('parseResolver', () => {
  it('reads host and port in every accepted form', () => {
    expect(parseResolver('10.1.0.2')).toEqual({ host: '10.1.0.2', port: 53 });
    expect(parseResolver(' 127.0.0.1:5353 ')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseResolver('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseResolver('[fd00::2]')).toEqual({ host: 'fd00::2', port: 53 });
    expect(parseResolver('fd00::2')).toEqual({ host: 'fd00::2', port: 53 });
    expect(parseResolver('[0:0:0:0:0:0:0:1]:53')).toEqual({ host: '::1', port: 53 });
  });

  it('rejects names, bad ports and junk', () => {
    expect(() => parseResolver('dns.example.com')).toThrow(/IP address/);
    expect(() => parseResolver('127.0.0.1:0')).toThrow(/port/);
    expect(() => parseResolver('127.0.0.1:70000')).toThrow(/port/);
    expect(() => parseResolver('[::1]:x')).toThrow();
    expect(() => parseResolver('')).toThrow();
  });
});

describe('resolveName', () => {
  it('resolves A records', async () => {
    const r = await resolveName('Web.Lab.Test.', options());
    expect(r.query).toBe('web.lab.test');
    expect(r.resolver).toBe(resolver);
    expect(r.rcode).toBe('NOERROR');
    expect(r.addresses.sort()).toEqual(['10.1.3.25', '10.1.4.25']);
    expect(r.cnames).toEqual([]);
    expect(r.chain).toHaveLength(2);
    expect(r.minTtl).toBe(30);
    expect(r.queries).toBe(1);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(0);
  });

  it('resolves AAAA records', async () => {
    const r = await resolveName('web.lab.test', { ...options(), type: 'AAAA' });
    expect(r.addresses).toEqual(['2001:db8::25']);
    expect(r.chain[0]).toEqual({ name: 'web.lab.test', type: 'AAAA', data: '2001:db8::25', ttl: 60 });
  });

  it('follows a CNAME chain carried in one answer', async () => {
    const r = await resolveName('dev.lab.test', options());
    expect(r.cnames).toEqual(['alb.lab.test', 'web.lab.test']);
    expect(r.chain.map((c) => `${c.name} ${c.type} ${c.data}`)).toEqual([
      'dev.lab.test CNAME alb.lab.test',
      'alb.lab.test CNAME web.lab.test',
      'web.lab.test A 10.1.3.25',
      'web.lab.test A 10.1.4.25',
    ]);
    expect(r.addresses).toHaveLength(2);
    expect(r.minTtl).toBe(5);
    expect(r.queries).toBe(1);
  });

  it('asks for the target when an answer holds only a CNAME', async () => {
    const r = await resolveName('split.lab.test', options());
    expect(r.cnames).toEqual(['web.lab.test']);
    expect(r.addresses).toHaveLength(2);
    expect(r.queries).toBe(2);
  });

  it('returns NXDOMAIN as a result, with the CNAMEs seen before it', async () => {
    const missing = await resolveName('missing.lab.test', options());
    expect(missing.rcode).toBe('NXDOMAIN');
    expect(missing.addresses).toEqual([]);
    expect(missing.chain).toEqual([]);
    expect(missing.minTtl).toBeNull();

    const dangling = await resolveName('dangling.lab.test', options());
    expect(dangling.rcode).toBe('NXDOMAIN');
    expect(dangling.cnames).toEqual(['gone.lab.test']);
  });

  it('detects a CNAME loop', async () => {
    const error = await resolveName('loop1.lab.test', options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProbeError);
    expect((error as DnsProbeError).kind).toBe('cname-loop');
    expect((error as DnsProbeError).message).toMatch(
      /loop1\.lab\.test → loop2\.lab\.test → loop1\.lab\.test/,
    );
  });

  it('stops after the allowed number of CNAME hops', async () => {
    // hop0 → … → hop10 is 10 hops, over the cap of 8; hop3 → … → hop10 is 7 hops, within it.
    const error = await resolveName('hop0.lab.test', options()).catch((e: unknown) => e);
    expect((error as DnsProbeError).kind).toBe('too-many-hops');
    const short = await resolveName('hop3.lab.test', options());
    expect(short.addresses).toEqual(['10.1.1.1']);
    expect(short.cnames).toHaveLength(7);
    const capped = await resolveName('hop3.lab.test', { ...options(), maxCnameHops: 2 }).catch(
      (e: unknown) => e,
    );
    expect((capped as DnsProbeError).kind).toBe('too-many-hops');
  });

  it('falls back to TCP when the UDP answer is truncated', async () => {
    const before = { ...server.received };
    const r = await resolveName('big.lab.test', options());
    expect(r.addresses).toHaveLength(bigAddresses.length);
    expect(r.queries).toBe(2);
    expect(server.received.udp - before.udp).toBe(1);
    expect(server.received.tcp - before.tcp).toBe(1);
  });

  it('ignores forged and malformed packets and takes the real answer', async () => {
    const r = await resolveName('forged.lab.test', options());
    expect(r.addresses).toEqual(['10.1.3.99']);
  });

  it('times out on a silent server after the retries', async () => {
    const before = silent.received.udp;
    const started = performance.now();
    const error = await resolveName('web.lab.test', {
      resolver: `${silent.host}:${silent.port}`,
      timeoutMs: 300,
      retries: 2,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsProbeError);
    expect((error as DnsProbeError).kind).toBe('timeout');
    expect((error as DnsProbeError).message).toMatch(
      /no answer from 127\.0\.0\.1:\d+ for web\.lab\.test A within 300 ms/,
    );
    expect(silent.received.udp - before).toBe(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('talks to an IPv6 resolver', async () => {
    const r = await resolveName('dev.lab.test', {
      resolver: `[::1]:${server6.port}`,
      timeoutMs: 1000,
      retries: 0,
    });
    expect(r.resolver).toBe(`[::1]:${server6.port}`);
    expect(r.addresses).toHaveLength(2);
  });

  it('rejects names DNS cannot carry', async () => {
    await expect(resolveName('a..b', options())).rejects.toThrow(/not a valid DNS name/);
    await expect(resolveName(`${'x'.repeat(64)}.test`, options())).rejects.toThrow(/not a valid DNS name/);
  });
});

describe('resolveWithSystem (node:dns Resolver pointed at the test server)', () => {
  const system = (name: string) => resolveWithSystem(name, 1000, { servers: [resolver] });

  it('resolves A records with TTLs', async () => {
    const r = await system('web.lab.test');
    expect(r.resolver).toBe('system');
    expect(r.rcode).toBe('NOERROR');
    expect(r.addresses.sort()).toEqual(['10.1.3.25', '10.1.4.25']);
    expect(r.minTtl).toBe(30);
  });

  it('shows the CNAME chain', async () => {
    const r = await system('dev.lab.test');
    expect(r.cnames).toEqual(['alb.lab.test', 'web.lab.test']);
    expect(r.chain.filter((c) => c.type === 'CNAME').every((c) => c.ttl === -1)).toBe(true);
    expect(r.addresses).toHaveLength(2);
  });

  it('returns NXDOMAIN as a result', async () => {
    const r = await system('missing.lab.test');
    expect(r.rcode).toBe('NXDOMAIN');
    expect(r.addresses).toEqual([]);
  });

  it('times out on a silent server', async () => {
    const error = await resolveWithSystem('web.lab.test', 200, {
      servers: [`${silent.host}:${silent.port}`],
    }).catch((e: unknown) => e);
    expect((error as DnsProbeError).kind).toBe('timeout');
  });
});
