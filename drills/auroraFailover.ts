import { type DBCluster, FailoverDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import { AwsProbeError, awsCall } from '../probes/aws/awsCall.ts';
import { describeDbCluster, describeEvents } from '../probes/aws/rds.ts';
import { removeHeartbeatRows } from '../probes/failover/sqlHeartbeat.ts';
import { withSqlSession } from '../probes/sql.ts';
import { type PartProblem, recordDrillParts, recordPartsNotJudged } from './drillParts.ts';
import { type DrillContext, type DrillOutcome, defineDrill } from './experiment.ts';
import {
  appProblem,
  createHeartbeatTable,
  sqlProblem,
  type ClientSidePart,
  clientSidePassed,
  clientSideProblems,
  type FailoverDrillTarget,
  heartbeatSession,
  recordMeasurements,
  resolveEndpoint,
  type WatchedFailover,
  watchFailover,
} from './rdsFailover.ts';

// aurora.failover.drill (seed 001's variant): FailoverDBCluster moves the writer to a reader instance;
// the writer endpoint (NAME.cluster-…) follows it. Observed like the Multi-AZ drill: DNS, TCP, heartbeat
// writes through the writer endpoint, the app page; verified: another instance is the writer, the writer
// endpoint resolves elsewhere, nothing acknowledged is lost.

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

function rdsOf(ctx: DrillContext): RDSClient {
  const rds = ctx.clients.rds;
  if (!rds) throw new Error('the drill needs an RDS client');
  return rds;
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

const secondsText = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;

export function auroraFailoverDrill(target: AuroraFailoverTarget) {
  const nothing = (missing: AuroraFailoverObservation['missing']): AuroraFailoverObservation => ({
    ...(missing ? { missing } : {}),
    before: null,
    after: null,
    oldAddress: null,
    newAddress: null,
    watched: null,
    sqlSkipped: null,
    events: [],
  });
  return defineDrill<AuroraFailoverObservation>({
    id: 'aurora.failover.drill',
    title: 'Aurora: FailoverDBCluster moves the writer',
    parts: ['writer-moved', 'no-write-lost', 'within-rto'],
    steadyState: async (ctx) => {
      const cluster = await findCluster(rdsOf(ctx), target.cluster);
      // No cluster: nothing to put at risk; the method says so and the check skips.
      if (!cluster) return;
      const view = viewOf(cluster);
      if (view.status !== 'available') return `cluster ${target.cluster} is ${view.status}, not available`;
      if (view.writerEndpoint) {
        const access = target.sqlFor({ address: view.writerEndpoint, port: view.port });
        if (typeof access !== 'string') {
          const problem = await sqlProblem(access);
          if (problem) return `cannot reach the database through the writer endpoint: ${problem}`;
        }
      }
      if (target.appUrl) {
        const problem = await appProblem(target.appUrl, target.http);
        if (problem) return `the app page is not healthy before the drill: ${problem}`;
      }
    },
    method: async (ctx) => {
      const undoNote = `a failover of cluster ${target.cluster} cannot be undone: the new writer stays the writer`;
      if (ctx.dryRun) {
        const access = target.sqlFor({ address: `(${target.cluster}'s writer endpoint)`, port: 3306 });
        if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
        await ctx.change({
          step: 'failover-db-cluster',
          undo: { type: 'none', note: undoNote },
          apply: async () => {},
        });
        return nothing(undefined);
      }
      const rds = rdsOf(ctx);
      const cluster = await findCluster(rds, target.cluster);
      if (!cluster) {
        return nothing({
          verdict: 'skip',
          reason: `no Aurora cluster named ${target.cluster} (DescribeDBClusters found none)`,
        });
      }
      const before = viewOf(cluster);
      if (before.members.length < 2 || !before.writer || !before.writerEndpoint) {
        return nothing({
          verdict: 'fail',
          reason: `cluster ${target.cluster} has ${before.members.length} instance(s): there is no reader to fail over to`,
          fix: 'add a reader instance (Aurora replica) in another AZ',
        });
      }
      const endpoint = before.writerEndpoint;
      const oldAddress = await resolveEndpoint(endpoint, target.resolver);
      ctx.event('writer before', `${before.writer}; ${endpoint} → ${oldAddress}`);
      const access = target.sqlFor({ address: endpoint, port: before.port });
      const sql = typeof access === 'string' ? null : heartbeatSession(access);
      const sqlSkipped = typeof access === 'string' ? access : null;
      if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
      const note = ctx.runId.replace(/[^A-Za-z0-9_.:-]/g, '').slice(-64) || 'labdrill';
      let latest = before;
      const watched = await watchFailover(
        ctx,
        {
          endpointName: endpoint,
          ...(target.resolver ? { resolver: target.resolver } : {}),
          port: sql?.endpoint.port ?? before.port,
          oldAddress,
          expectedAddress: null,
          sql,
          appUrl: target.appUrl ?? null,
          trigger: () =>
            ctx.change({
              step: 'failover-db-cluster',
              undo: { type: 'none', note: undoNote },
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
        },
        target.watch,
        target.http,
        note,
      );
      const lastAnswer = [...watched.observation.dns].reverse().find((s) => s.addresses.length > 0);
      const events = await describeEvents(rds, {
        sourceId: target.cluster,
        sourceType: 'db-cluster',
        start: new Date(watched.rebootAt - 5000),
      }).catch(() => []);
      for (const e of events) ctx.event('RDS event', `${e.Date?.toISOString() ?? ''} ${e.Message ?? ''}`);
      if (sql) await withSqlSession(sql, (session) => removeHeartbeatRows(session, note)).catch(() => 0);
      recordMeasurements(ctx, watched);
      return {
        before,
        after: latest,
        oldAddress,
        newAddress: lastAnswer?.addresses[0] ?? null,
        watched,
        sqlSkipped,
        events: events.map((e) => `${e.Date?.toISOString() ?? ''} ${(e.Message ?? '').slice(0, 300)}`),
      };
    },
    verify: async (ctx, seen) => verifyAuroraFailover(ctx, target, seen),
  });
}

function verifyAuroraFailover(
  ctx: DrillContext,
  target: AuroraFailoverTarget,
  seen: AuroraFailoverObservation,
): DrillOutcome {
  if (seen.missing) {
    if (seen.missing.verdict === 'fail') {
      ctx.evidence.part('writer-moved', false, seen.missing.reason);
      recordPartsNotJudged(ctx.evidence, ['no-write-lost', 'within-rto'], 'no failover happened');
    }
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
  const problems: PartProblem<'writer-moved' | ClientSidePart>[] = [];
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
  problems.push(...clientSideProblems(watched, target.watch));
  recordDrillParts(
    ctx.evidence,
    {
      'writer-moved':
        after && swap
          ? `writer moved from ${before.writer} to ${after.writer}; writer endpoint ${seen.oldAddress} → ${swap.address} ${secondsText(swap.afterMs)} after the call`
          : null,
      ...clientSidePassed(watched, target.watch, seen.sqlSkipped),
    },
    problems,
  );
  const first = problems[0];
  if (first) {
    for (const other of problems.slice(1)) ctx.evidence.note(`also: ${other.reason}`);
    return { verdict: 'fail', reason: first.reason, ...(first.fix ? { fix: first.fix } : {}) };
  }
  const a = watched.analysis;
  const writes = seen.sqlSkipped
    ? `writes not observed (${seen.sqlSkipped})`
    : `writes down ${secondsText(a.writeOutage?.ms ?? 0)}, ${a.writesAcknowledged} acknowledged, none lost`;
  return {
    verdict: 'pass',
    reason:
      `writer moved from ${before.writer} to ${after!.writer}; writer endpoint ${seen.oldAddress} → ${swap!.address} ` +
      `${secondsText(swap!.afterMs)} after the call; ${writes}; RTO ${secondsText(a.rtoMs)}`,
  };
}
