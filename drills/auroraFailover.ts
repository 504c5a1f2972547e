import { type DBCluster, FailoverDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import { defaults } from '../config/defaults.ts';
import { AwsProbeError, awsCall } from '../probes/aws/awsCall.ts';
import { describeDbCluster, describeEvents } from '../probes/aws/rds.ts';
import { resolveEndpoint } from '../probes/failover/endpointPlacement.ts';
import { appProblem, sqlProblem } from '../probes/failover/steadyStateLooks.ts';
import type { PartProblem } from './drillParts.ts';
import { type DrillContext, type DrillOutcome, defineDrill } from './experiment.ts';
import { recordFailoverMeasurements } from './failover/failoverEvidence.ts';
import type { FailoverDrillTarget } from './failover/failoverTarget.ts';
import { judgeFailover, recordNoFailover, secondsText } from './failover/failoverVerdict.ts';
import {
  createHeartbeatTable,
  heartbeatSession,
  prepareHeartbeat,
  removeHeartbeat,
} from './failover/heartbeat.ts';
import { type WatchedFailover, watchFailover } from './failover/watchFailover.ts';

// aurora.failover.drill (seed 001's variant): FailoverDBCluster moves the writer to a reader instance;
// the writer endpoint (NAME.cluster-…) follows it. Observed like the Multi-AZ drill: DNS, TCP, heartbeat
// writes through the writer endpoint, the app page; verified: another instance is the writer, the writer
// endpoint resolves elsewhere, nothing acknowledged is lost. Read top to bottom as the experiment: steady
// state, method, verify, rollback.

export interface AuroraFailoverTarget extends FailoverDrillTarget {
  cluster: string;
}

interface ClusterView {
  status: string;
  writer: string | null;
  members: string[];
  writerEndpoint: string | null;
  readerEndpoint: string | null;
  port: number;
}

export interface AuroraFailoverObservation {
  /** Why there was nothing to drill (no such cluster, a single instance); the check skips or fails. */
  missing?: { verdict: 'skip' | 'fail'; reason: string; fix?: string };
  before: ClusterView | null;
  after: ClusterView | null;
  oldAddress: string | null;
  newAddress: string | null;
  watched: WatchedFailover | null;
  sqlSkipped: string | null;
  events: string[];
}

export function auroraFailoverDrill(target: AuroraFailoverTarget) {
  return defineDrill<AuroraFailoverObservation>({
    id: 'aurora.failover.drill',
    title: 'Aurora: FailoverDBCluster moves the writer',
    parts: ['writer-moved', 'no-write-lost', 'within-rto'],
    steadyState: (ctx) => steadyState(ctx, target),
    method: (ctx) => (ctx.dryRun ? plan(ctx, target) : failoverCluster(ctx, target)),
    verify: async (ctx, seen) => verify(ctx, target, seen),
  });
}

// Steady state: the cluster is available, the database answers through the writer endpoint (when SQL
// access is known), and the app page is up. No cluster puts nothing at risk: the method says so and the
// check skips.

async function steadyState(ctx: DrillContext, target: AuroraFailoverTarget): Promise<string | undefined> {
  const cluster = await findCluster(rdsOf(ctx), target.cluster);
  if (!cluster) return;
  const view = viewOf(cluster);
  if (view.status !== 'available') return `cluster ${target.cluster} is ${view.status}, not available`;
  if (view.writerEndpoint) {
    const access = target.sqlFor({ address: view.writerEndpoint, port: view.port });
    if (typeof access !== 'string') {
      const problem = await sqlProblem(heartbeatSession(access));
      if (problem) return `cannot reach the database through the writer endpoint: ${problem}`;
    }
  }
  if (target.appUrl) {
    const problem = await appProblem(target.appUrl, target.http);
    if (problem) return `the app page is not healthy before the drill: ${problem}`;
  }
}

// Method: note the writer and where its endpoint points, make the heartbeat table, call FailoverDBCluster
// while the watch runs (done once another instance is the writer and the cluster is available), then read
// the cluster's events.

const undoNote = (target: AuroraFailoverTarget) =>
  `a failover of cluster ${target.cluster} cannot be undone: the new writer stays the writer`;

function nothingWatched(missing?: AuroraFailoverObservation['missing']): AuroraFailoverObservation {
  return {
    ...(missing ? { missing } : {}),
    before: null,
    after: null,
    oldAddress: null,
    newAddress: null,
    watched: null,
    sqlSkipped: null,
    events: [],
  };
}

/** The dry run's plan: the same changes, none made. */
async function plan(ctx: DrillContext, target: AuroraFailoverTarget): Promise<AuroraFailoverObservation> {
  const access = target.sqlFor({ address: `(${target.cluster}'s writer endpoint)`, port: 3306 });
  if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
  await ctx.change({
    step: 'failover-db-cluster',
    undo: { type: 'none', note: undoNote(target) },
    apply: async () => {},
  });
  return nothingWatched();
}

async function failoverCluster(
  ctx: DrillContext,
  target: AuroraFailoverTarget,
): Promise<AuroraFailoverObservation> {
  const rds = rdsOf(ctx);
  const cluster = await findCluster(rds, target.cluster);
  if (!cluster) {
    return nothingWatched({
      verdict: 'skip',
      reason: `no Aurora cluster named ${target.cluster} (DescribeDBClusters found none)`,
    });
  }
  const before = viewOf(cluster);
  if (before.members.length < 2 || !before.writer || !before.writerEndpoint) {
    return nothingWatched({
      verdict: 'fail',
      reason: `cluster ${target.cluster} has ${before.members.length} instance(s): there is no reader to fail over to`,
      fix: 'add a reader instance (Aurora replica) in another AZ',
    });
  }
  const endpoint = before.writerEndpoint;
  const oldAddress = await resolveEndpoint(
    endpoint,
    target.resolver,
    defaults.failoverDrill.endpointResolveTimeoutMs,
  );
  ctx.event('writer before', `${before.writer}; ${endpoint} → ${oldAddress}`);
  const heartbeat = await prepareHeartbeat(ctx, target, { address: endpoint, port: before.port });
  let latest = before;
  const watched = await watchFailover(ctx, target, {
    endpointName: endpoint,
    port: heartbeat.sql?.endpoint.port ?? before.port,
    oldAddress,
    expectedAddress: null,
    heartbeat,
    trigger: () =>
      ctx.change({
        step: 'failover-db-cluster',
        undo: { type: 'none', note: undoNote(target) },
        apply: () =>
          awsCall(rds, new FailoverDBClusterCommand({ DBClusterIdentifier: target.cluster }), {
            subject: `RDS DB cluster '${target.cluster}'`,
          }).then(() => undefined),
      }),
    controlPlaneDone: async () => {
      latest = viewOf(await describeDbCluster(rds, target.cluster));
      return {
        done: latest.status === 'available' && latest.writer !== before.writer,
        label: `${latest.status}, writer ${latest.writer ?? 'none'}`,
      };
    },
  });
  const lastAnswer = [...watched.observation.dns].reverse().find((s) => s.addresses.length > 0);
  const events = await describeEvents(rds, {
    sourceId: target.cluster,
    sourceType: 'db-cluster',
    start: new Date(watched.rebootAt - defaults.failoverDrill.eventsLookbackMs),
  }).catch(() => []);
  for (const e of events) ctx.event('RDS event', `${e.Date?.toISOString() ?? ''} ${e.Message ?? ''}`);
  await removeHeartbeat(heartbeat);
  recordFailoverMeasurements(ctx, watched);
  return {
    before,
    after: latest,
    oldAddress,
    newAddress: lastAnswer?.addresses[0] ?? null,
    watched,
    sqlSkipped: heartbeat.skipped,
    events: events.map((e) => `${e.Date?.toISOString() ?? ''} ${(e.Message ?? '').slice(0, 300)}`),
  };
}

// Verify: another instance is the writer and the writer endpoint resolves elsewhere; then the client side,
// as for the Multi-AZ instance.

function verify(
  ctx: DrillContext,
  target: AuroraFailoverTarget,
  seen: AuroraFailoverObservation,
): DrillOutcome {
  if (seen.missing) {
    if (seen.missing.verdict === 'fail') recordNoFailover(ctx.evidence, 'writer-moved', seen.missing.reason);
    return {
      verdict: seen.missing.verdict,
      reason: seen.missing.reason,
      ...(seen.missing.fix ? { fix: seen.missing.fix } : {}),
    };
  }
  const { before, after, watched } = seen;
  if (!before || !watched) return { verdict: 'error', reason: 'the failover was not observed' };
  ctx.evidence.set('auroraFailover', {
    writerBefore: before.writer,
    writerAfter: after?.writer ?? null,
    writerEndpoint: before.writerEndpoint,
    readerEndpoint: before.readerEndpoint,
    oldAddress: seen.oldAddress,
    newAddress: seen.newAddress,
    events: seen.events,
  });
  const problems: PartProblem<'writer-moved'>[] = [];
  if (!after || after.writer === before.writer) {
    problems.push({
      part: 'writer-moved',
      reason: `after FailoverDBCluster ${before.writer} is still the writer of ${target.cluster} (within ${target.watch.observeS} s)`,
    });
  }
  const swap = watched.analysis.dnsSwap;
  if (!swap) {
    problems.push({
      part: 'writer-moved',
      reason: `after the failover the writer endpoint still resolves to ${seen.oldAddress} (the old writer ${before.writer}): DNS did not move`,
      fix: 'connect through the cluster (writer) endpoint, not an instance endpoint',
    });
  }
  return judgeFailover(ctx.evidence, target, {
    watched,
    sqlSkipped: seen.sqlSkipped,
    movedPart: 'writer-moved',
    moved:
      after && swap
        ? `writer moved from ${before.writer} to ${after.writer}; writer endpoint ${seen.oldAddress} → ${swap.address} ${secondsText(swap.afterMs)} after the call`
        : null,
    problems,
  });
}

// Rollback: the journal's undos, after verify. The heartbeat table is dropped (sql.dropTable); the failover
// itself cannot be undone (the new writer stays the writer), so its undo puts nothing back.

function viewOf(cluster: DBCluster): ClusterView {
  const members = cluster.DBClusterMembers ?? [];
  return {
    status: cluster.Status ?? 'unknown',
    writer: members.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? null,
    members: members.map((m) => m.DBInstanceIdentifier ?? '').filter(Boolean),
    writerEndpoint: cluster.Endpoint ?? null,
    readerEndpoint: cluster.ReaderEndpoint ?? null,
    port: cluster.Port ?? 3306,
  };
}

/** The cluster, or null when DescribeDBClusters finds none by that name. */
async function findCluster(rds: RDSClient, id: string): Promise<DBCluster | null> {
  try {
    return await describeDbCluster(rds, id);
  } catch (error) {
    if (error instanceof AwsProbeError && error.kind === 'not-found') return null;
    throw error;
  }
}

function rdsOf(ctx: DrillContext): RDSClient {
  const rds = ctx.clients.rds;
  if (!rds) throw new Error('the drill needs an RDS client');
  return rds;
}
