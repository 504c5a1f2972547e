import {
  type DBInstance,
  DescribeDBInstancesCommand,
  RDSClient,
  RebootDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { twinCredentials } from '../fixtures/twin/aws/access.ts';
import type { ApplyRelease } from '../fixtures/twin/db/databaseCluster.ts';
import { parseFaults } from '../fixtures/twin/faults.ts';
import { type RunningTwin, startTwin } from '../fixtures/twin/startTwin.ts';
import { analyzeFailover } from '../probes/failover/failoverAnalysis.ts';
import { startFailoverObservers } from '../probes/failover/failoverObservers.ts';
import { measureReplicaLag } from '../probes/failover/replicaLag.ts';
import { ensureHeartbeatTable, heartbeatSeqsPresent } from '../probes/failover/sqlHeartbeat.ts';
import { type SqlAccess, type SqlSessionOptions, sqlAccessFor, withSqlSession } from '../probes/sql.ts';

// How close labdrill's failover and lag measurements come to what really happened. labdrill's own
// measurement code (failover observers and analysis, the replica-lag markers) runs against twins started with
// startTwin, through the stack file's endpoint names, the twin's DNS server and RebootDBInstance over the
// AWS API; each figure is printed beside the twin's ground truth with whether it is within the design's
// targets: ±0.5 s for downtime and DNS swap, ±0.2 s for lag (faults replica-lag=1s, 3s, 5s).

export interface FailoverAccuracyOptions {
  failovers?: number;
  lagsS?: number[];
  log?: (line: string) => void;
}

export interface AccuracyRow {
  what: string;
  measuredMs: number | null;
  truthMs: number;
  toleranceMs: number;
  within: boolean;
}

const row = (what: string, measuredMs: number | null, truthMs: number, toleranceMs: number): AccuracyRow => ({
  what,
  measuredMs,
  truthMs,
  toleranceMs,
  within: measuredMs !== null && Math.abs(measuredMs - truthMs) <= toleranceMs,
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function rdsClient(twin: RunningTwin): RDSClient {
  return new RDSClient({
    endpoint: twin.servers.aws.url,
    region: twin.state.region,
    credentials: twinCredentials,
    maxAttempts: 2,
  });
}

async function describeInstance(rds: RDSClient, id: string): Promise<DBInstance> {
  const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
  const instance = out.DBInstances?.[0];
  if (!instance) throw new Error(`${id} not described`);
  return instance;
}

/** SQL access as labdrill builds it: the stack file, the endpoints from RDS, the password from the env. */
async function accessOf(twin: RunningTwin, rds: RDSClient): Promise<SqlAccess> {
  const [primary, replica] = await Promise.all([
    describeInstance(rds, twin.stack.rds!.instance!),
    describeInstance(rds, twin.stack.rds!.replica!),
  ]);
  const access = sqlAccessFor(
    twin.stack,
    {
      primary: { address: primary.Endpoint!.Address!, port: primary.Endpoint!.Port! },
      replica: { address: replica.Endpoint!.Address!, port: replica.Endpoint!.Port! },
    },
    twin.awsEnv,
  );
  if (typeof access === 'string') throw new Error(access);
  return access;
}

const timeouts = { connectTimeoutMs: 500, queryTimeoutMs: 1000, dnsTimeoutMs: 300 };

async function oneFailover(
  twin: RunningTwin,
  rds: RDSClient,
  session: SqlSessionOptions,
  index: number,
): Promise<AccuracyRow[]> {
  const note = `bench-${process.pid}-${index}`;
  const endpointName = session.endpoint.host;
  const writerBefore = twin.database.cluster.endpoints().writer.host;
  const observers = startFailoverObservers({
    endpointName,
    resolver: twin.stack.rds!.resolver!,
    maxDurationMs: 30_000,
    dns: { everyMs: 100, timeoutMs: 300 },
    sql: { session, note, everyMs: 50 },
  });
  await sleep(800);
  const rebootAt = Date.now();
  await rds.send(new RebootDBInstanceCommand({ DBInstanceIdentifier: 'lab-vpc-rds', ForceFailover: true }));
  const until = Date.now() + 20_000;
  for (;;) {
    const status = (await describeInstance(rds, 'lab-vpc-rds')).DBInstanceStatus;
    if ((status === 'available' && observers.figures().lastWriteOk) || Date.now() > until) break;
    await sleep(100);
  }
  await sleep(500);
  const observation = await observers.stop();
  const record = twin.database.groundTruth().failovers[index - 1];
  if (!record) throw new Error(`failover ${index} has no ground truth record`);
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

/** How long an acknowledgement may trail its commit; only used to find the release that applied a row. */
const ackWindowMs = 50;

/**
 * The true lag of a marker acknowledged at `writtenAt`: the twin samples the writer's log position every
 * ~25 ms and lets the replica apply a sampled position once it is `delay` old, so a row committed just
 * before a sample is applied when that sample is released. Its lag is that release's releasedAt − sampledAt
 * (the injected delay plus the recorded apply time), exact to one sample interval. The release is the first
 * one sampled after the commit, which lies within ackWindowMs before the acknowledgement.
 */
function truthOfMarker(releases: readonly ApplyRelease[], writtenAt: number): number | null {
  const release = releases.find((r) => r.sampledAt >= writtenAt - ackWindowMs);
  return release ? release.releasedAt - release.sampledAt : null;
}

async function oneLag(lagS: number): Promise<AccuracyRow[]> {
  const twin = await startTwin({ faults: parseFaults(`replica-lag=${lagS}s`) });
  const rds = rdsClient(twin);
  try {
    const access = await accessOf(twin, rds);
    const result = await measureReplicaLag({
      primary: { endpoint: access.primary, credentials: access.credentials, ...timeouts },
      replica: { endpoint: access.replica!, credentials: access.credentials, ...timeouts },
      note: `bench-lag-${process.pid}-${lagS}`,
      markers: 5,
      spacingMs: 300,
      pollEveryMs: 20,
      waitMs: lagS * 1000 + 5000,
    });
    const truth = twin.database.groundTruth();
    return result.markers.map((marker) => {
      // Without a recorded release the injected delay itself is the truth.
      const truthMs = truthOfMarker(truth.replicaDelayReleases, marker.writtenAt) ?? truth.replicaDelayMs;
      return row(
        `lag ${lagS} s (injected ${truth.replicaDelayMs} ms), marker ${marker.seq}`,
        marker.lagMs,
        truthMs,
        200,
      );
    });
  } finally {
    rds.destroy();
    await twin.stop();
  }
}

function formatMs(ms: number | null): string {
  return ms === null || Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(3)} s`;
}

export async function runFailoverAccuracyBench(
  options: FailoverAccuracyOptions = {},
): Promise<AccuracyRow[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  const rows: AccuracyRow[] = [];
  const twin = await startTwin();
  const rds = rdsClient(twin);
  try {
    const access = await accessOf(twin, rds);
    const session: SqlSessionOptions = {
      endpoint: access.primary,
      credentials: access.credentials,
      ...timeouts,
    };
    await withSqlSession(session, ensureHeartbeatTable);
    for (let i = 1; i <= (options.failovers ?? 3); i++)
      rows.push(...(await oneFailover(twin, rds, session, i)));
  } finally {
    rds.destroy();
    await twin.stop();
  }
  for (const lagS of options.lagsS ?? [1, 3, 5]) rows.push(...(await oneLag(lagS)));

  log('failover accuracy (labdrill measured on the twin vs the twin ground truth)');
  for (const r of rows) {
    const count = r.what.includes('writes lost');
    const measured = count ? String(r.measuredMs) : formatMs(r.measuredMs);
    const truth = count ? String(r.truthMs) : formatMs(r.truthMs);
    log(
      `  ${r.what.padEnd(48)} measured ${measured.padStart(9)}  truth ${truth.padStart(9)}  ` +
        `${r.within ? 'within' : 'OUTSIDE'} ±${r.toleranceMs / 1000} s`,
    );
  }
  const outside = rows.filter((r) => !r.within).length;
  log(`  ${rows.length - outside}/${rows.length} figures within their tolerance`);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await runFailoverAccuracyBench();
