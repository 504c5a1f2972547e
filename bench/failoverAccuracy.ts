import dgram from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dnsPacket from 'dns-packet';
import {
  type DatabaseCluster,
  type FailoverRecord,
  startDatabaseCluster,
} from '../fixtures/twin/db/databaseCluster.ts';
import { analyzeFailover } from '../probes/failover/failoverAnalysis.ts';
import { startFailoverObservers } from '../probes/failover/failoverObservers.ts';
import { measureReplicaLag } from '../probes/failover/replicaLag.ts';
import { ensureHeartbeatTable, heartbeatSeqsPresent } from '../probes/failover/sqlHeartbeat.ts';
import { type SqlSessionOptions, withSqlSession } from '../probes/sql.ts';

// How close labdrill's failover and lag measurements come to what really happened. The twin's database
// cluster (real MariaDB) is failed over N times with the endpoint name in a small DNS server that moves when
// the cluster switches DNS; replica lag is injected at 1, 3 and 5 s. Each measured figure is printed beside
// the cluster's ground truth, with whether it is within the design's targets: ±0.5 s for downtime and DNS
// swap, ±0.2 s for lag. RunningTwin does not expose its database cluster yet, so this bench starts the
// cluster and the DNS record itself.

export interface FailoverAccuracyOptions {
  failovers?: number;
  lagsS?: number[];
  /** Delay from promotion to the DNS switch in each failover (the cluster's default is 1500 ms). */
  dnsDelayMs?: number;
  log?: (line: string) => void;
}

export interface AccuracyRow {
  what: string;
  measuredMs: number | null;
  truthMs: number;
  toleranceMs: number;
  within: boolean;
}

const endpointName = 'lab-vpc-rds.cbench0000000.ap-northeast-2.rds.amazonaws.com';
const addresses = { primary: '127.0.84.11', standby: '127.0.84.12', replica: '127.0.84.13' };
const dnsHost = '127.0.84.30';
const password = 'Bench-Failover-Password-1';

/** One A record, answered over UDP; `move` changes it at once (no caching anywhere). */
async function startMovableRecord(
  initial: string,
): Promise<{ resolver: string; move(to: string): void; close(): Promise<void> }> {
  let address = initial;
  const socket = dgram.createSocket('udp4');
  socket.on('message', (message, from) => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const known = question.name.toLowerCase() === endpointName && question.type === 'A';
    const answer = dnsPacket.encode({
      type: 'response',
      id: query.id ?? 0,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : 3),
      questions: [question],
      answers: known ? [{ type: 'A', name: endpointName, ttl: 5, class: 'IN', data: address }] : [],
    });
    socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, dnsHost, resolve));
  return {
    resolver: `${dnsHost}:${socket.address().port}`,
    move(to) {
      address = to;
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

const row = (what: string, measuredMs: number | null, truthMs: number, toleranceMs: number): AccuracyRow => ({
  what,
  measuredMs,
  truthMs,
  toleranceMs,
  within: measuredMs !== null && Math.abs(measuredMs - truthMs) <= toleranceMs,
});

async function oneFailover(
  cluster: DatabaseCluster,
  dns: { resolver: string; move(to: string): void },
  session: SqlSessionOptions,
  index: number,
  dnsDelayMs: number,
): Promise<AccuracyRow[]> {
  const note = `bench-${process.pid}-${index}`;
  const writerBefore = cluster.endpoints().writer.host;
  dns.move(writerBefore);
  const observers = startFailoverObservers({
    endpointName,
    resolver: dns.resolver,
    maxDurationMs: 30_000,
    dns: { everyMs: 100, timeoutMs: 300 },
    sql: { session, note, everyMs: 50 },
  });
  await new Promise((resolve) => setTimeout(resolve, 800));
  const rebootAt = Date.now();
  const record: FailoverRecord = await cluster.rebootWithFailover({
    dnsDelayMs,
    onDnsSwitch: (writer) => dns.move(writer.host),
  });
  const until = Date.now() + 10_000;
  while (Date.now() < until && !observers.figures().lastWriteOk) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const observation = await observers.stop();
  const present = await withSqlSession(session, (db) => heartbeatSeqsPresent(db, note));
  const analysis = analyzeFailover({
    rebootAt,
    oldAddress: writerBefore,
    expectedAddress: record.newWriter.host,
    dns: observation.dns,
    writes: observation.writes,
    presentAfter: present,
  });
  const switchedAt = record.dnsSwitchedAt ?? Number.NaN;
  const writableAgainAt = Math.max(switchedAt, record.standbyPromotedAt);
  return [
    row(
      `failover ${index}: DNS swap (from the reboot call)`,
      analysis.dnsSwap?.afterMs ?? null,
      switchedAt - rebootAt,
      500,
    ),
    row(
      `failover ${index}: write downtime`,
      analysis.writeOutage?.ms ?? null,
      writableAgainAt - record.writerStoppedAt,
      500,
    ),
    row(`failover ${index}: acknowledged writes lost`, analysis.lostWrites?.length ?? null, 0, 0),
  ];
}

async function oneLag(
  cluster: DatabaseCluster,
  session: SqlSessionOptions,
  lagS: number,
): Promise<AccuracyRow[]> {
  await cluster.setReplicaDelay(lagS);
  const replica = cluster.endpoints().replica;
  const result = await measureReplicaLag({
    primary: session,
    replica: { ...session, endpoint: { host: replica.host, port: replica.port } },
    note: `bench-lag-${process.pid}-${lagS}`,
    markers: 5,
    spacingMs: 300,
    pollEveryMs: 20,
    waitMs: lagS * 1000 + 5000,
  });
  await cluster.setReplicaDelay(0);
  // MASTER_DELAY counts from the event's timestamp, which has whole seconds: a row committed at 12.7 s with
  // a 3 s delay is applied at 15.0 s. That is the ground truth for each marker.
  return result.markers.map((marker) => {
    const committedSecond = Math.floor((marker.writtenAt - 5) / 1000) * 1000;
    const truth = Math.max(0, committedSecond + lagS * 1000 - marker.writtenAt);
    return row(`lag ${lagS} s, marker ${marker.seq}`, marker.lagMs, truth, 200);
  });
}

function formatMs(ms: number | null): string {
  return ms === null || Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(3)} s`;
}

export async function runFailoverAccuracyBench(
  options: FailoverAccuracyOptions = {},
): Promise<AccuracyRow[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const workDir = await mkdtemp(join(tmpdir(), 'labdrill-bench-failover-'));
  let cluster: DatabaseCluster | undefined;
  let dns: Awaited<ReturnType<typeof startMovableRecord>> | undefined;
  const rows: AccuracyRow[] = [];
  try {
    [cluster, dns] = await Promise.all([
      startDatabaseCluster({ workDir, addresses, adminPassword: password }),
      startMovableRecord(addresses.primary),
    ]);
    const session: SqlSessionOptions = {
      endpoint: { host: endpointName, port: cluster.endpoints().writer.port, resolver: dns.resolver },
      credentials: { user: 'admin', password, database: 'labvpcrds' },
      connectTimeoutMs: 500,
      queryTimeoutMs: 1000,
      dnsTimeoutMs: 300,
    };
    await withSqlSession(session, ensureHeartbeatTable);
    for (let i = 1; i <= (options.failovers ?? 3); i++) {
      rows.push(...(await oneFailover(cluster, dns, session, i, options.dnsDelayMs ?? 1500)));
    }
    for (const lagS of options.lagsS ?? [1, 3, 5]) rows.push(...(await oneLag(cluster, session, lagS)));
  } finally {
    await dns?.close();
    await cluster?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  log('failover accuracy (measured vs the twin database cluster ground truth)');
  for (const r of rows) {
    const measured = r.what.includes('writes lost') ? String(r.measuredMs) : formatMs(r.measuredMs);
    const truth = r.what.includes('writes lost') ? String(r.truthMs) : formatMs(r.truthMs);
    log(
      `  ${r.what.padEnd(44)} measured ${measured.padStart(9)}  truth ${truth.padStart(9)}  ` +
        `${r.within ? 'within' : 'OUTSIDE'} ±${r.toleranceMs / 1000} s`,
    );
  }
  const outside = rows.filter((r) => !r.within).length;
  log(`  ${rows.length - outside}/${rows.length} figures within their tolerance`);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await runFailoverAccuracyBench();
