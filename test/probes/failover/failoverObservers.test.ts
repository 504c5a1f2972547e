import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatabaseCluster,
  type FailoverRecord,
  startDatabaseCluster,
} from '../../../fixtures/twin/db/databaseCluster.ts';
import { analyzeFailover, type FailoverAnalysis } from '../../../probes/failover/failoverAnalysis.ts';
import {
  type FailoverObservation,
  startFailoverObservers,
} from '../../../probes/failover/failoverObservers.ts';
import {
  ensureHeartbeatTable,
  heartbeatSeqsPresent,
  removeHeartbeatRows,
} from '../../../probes/failover/sqlHeartbeat.ts';
import { type SqlSessionOptions, withSqlSession } from '../../../probes/sql.ts';
import { type DnsTestServer, startDnsTestServer, type ZoneRecord } from '../dnsTestServer.ts';

// A real reboot with failover of the twin's MariaDB cluster, observed as a drill observes it: the endpoint
// name in a small DNS server moves when the cluster says the DNS switches; a little lab app reads through it.

const password = 'Failover-Observer-7';
const addresses = { primary: '127.0.83.11', standby: '127.0.83.12', replica: '127.0.83.13' };
const endpointName = 'lab-vpc-rds.c0123456789a.ap-northeast-2.rds.amazonaws.com';
const note = `observer-test-${process.pid}`;

let workDir = '';
let cluster: DatabaseCluster;
let dns: DnsTestServer;
let app: http.Server;
const zone: ZoneRecord[] = [{ name: endpointName, type: 'A', data: addresses.primary, ttl: 5 }];

function session(): SqlSessionOptions {
  return {
    endpoint: {
      host: endpointName,
      port: cluster.endpoints().writer.port,
      resolver: `${dns.host}:${dns.port}`,
    },
    credentials: { user: 'admin', password, database: 'labvpcrds' },
    connectTimeoutMs: 500,
    queryTimeoutMs: 1000,
    dnsTimeoutMs: 300,
  };
}

/** The lab's index.php in miniature: a page with the SAMPLE count, or "Failed to connect to MySQL". */
function startLabApp(): Promise<string> {
  app = http.createServer((_request, response) => {
    withSqlSession(session(), (db) => db.select('SELECT COUNT(*) AS n FROM SAMPLE'))
      .then((rows) => response.end(`<html><body>rows: ${String(rows[0]?.n)}</body></html>`))
      .catch((error: Error) =>
        response.end(`<html><body>Failed to connect to MySQL: ${error.message}</body></html>`),
      );
  });
  return new Promise((resolve) =>
    app.listen(0, '127.0.83.20', () => resolve(`http://127.0.83.20:${(app.address() as AddressInfo).port}/`)),
  );
}

let record: FailoverRecord;
let observation: FailoverObservation;
let analysis: FailoverAnalysis;
let rebootAt = 0;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'labdrill-failover-observers-'));
  [cluster, dns] = await Promise.all([
    startDatabaseCluster({ workDir, addresses, adminPassword: password }),
    startDnsTestServer(zone, {}, { host: '127.0.83.30' }),
  ]);
  const appUrl = await startLabApp();
  await withSqlSession(session(), ensureHeartbeatTable);

  const observers = startFailoverObservers({
    endpointName,
    resolver: `${dns.host}:${dns.port}`,
    maxDurationMs: 40_000,
    dns: { everyMs: 100, timeoutMs: 300 },
    tcp: { port: cluster.endpoints().writer.port, everyMs: 100, timeoutMs: 300 },
    sql: { session: session(), note, everyMs: 50 },
    app: { url: appUrl, http: { timeoutMs: 2000, retries: 0, maxBodyBytes: 16_384 }, everyMs: 150 },
  });
  await new Promise((resolve) => setTimeout(resolve, 800));
  rebootAt = Date.now();
  record = await cluster.rebootWithFailover({
    dnsDelayMs: 1500,
    onDnsSwitch: (writer) => {
      zone[0] = { name: endpointName, type: 'A', data: writer.host, ttl: 5 };
    },
  });
  // Let every observer see the recovery, bounded.
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const seen = observers.figures();
    if (seen.app.endsWith('ok') && observers.latestAddress() === addresses.standby) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 700));
  observation = await observers.stop();
  const present = await withSqlSession(session(), (db) => heartbeatSeqsPresent(db, note));
  analysis = analyzeFailover({
    rebootAt,
    oldAddress: addresses.primary,
    expectedAddress: addresses.standby,
    dns: observation.dns,
    writes: observation.writes,
    app: observation.app,
    presentAfter: present,
  });
}, 60_000);

afterAll(async () => {
  if (cluster && dns) await withSqlSession(session(), (db) => removeHeartbeatRows(db, note)).catch(() => 0);
  await new Promise((resolve) => (app ? app.close(resolve) : resolve(undefined)));
  await dns?.close();
  await cluster?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('failover observers on a real failover', () => {
  it('sees writes acknowledged before and after, and loses none of them', () => {
    expect(analysis.writesAcknowledged).toBeGreaterThan(10);
    expect(analysis.writesFailed).toBeGreaterThan(0);
    expect(analysis.lostWrites).toEqual([]);
    expect(observation.writes.some((w) => w.ok && w.address === addresses.primary)).toBe(true);
    expect(observation.writes.some((w) => w.ok && w.address === addresses.standby)).toBe(true);
  });

  it('measures the DNS swap within 0.5 s of the moment the record moved', () => {
    expect(record.dnsSwitchedAt).not.toBeNull();
    expect(analysis.dnsSwap?.address).toBe(addresses.standby);
    expect(Math.abs(analysis.dnsSwap!.at - record.dnsSwitchedAt!)).toBeLessThanOrEqual(500);
  });

  it('measures write downtime close to the real outage (writer stopped → DNS moved)', () => {
    const outage = analysis.writeOutage;
    expect(outage?.ms).not.toBeNull();
    const truthMs = Math.max(record.dnsSwitchedAt!, record.standbyPromotedAt) - record.writerStoppedAt;
    expect(Math.abs(outage!.ms! - truthMs)).toBeLessThanOrEqual(500);
  });

  it('sees the app page fail with the database error and recover, and gives an RTO', () => {
    expect(
      observation.app.some((s) => !s.healthy && /Failed to connect to MySQL/.test(s.problem ?? '')),
    ).toBe(true);
    expect(analysis.appOutage?.firstOkAt).not.toBeNull();
    expect(analysis.rtoMs).not.toBeNull();
    expect(analysis.rtoMs!).toBeGreaterThanOrEqual(analysis.dnsSwap!.afterMs);
  });

  it('keeps the TCP poller on the current address', () => {
    const targets = new Set(observation.tcp.map((s) => s.target));
    expect([...targets].some((t) => t?.startsWith(addresses.standby))).toBe(true);
    expect(observation.tcp.some((s) => !s.ok)).toBe(true);
  });
});
