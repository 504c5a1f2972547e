import type { EC2Client } from '@aws-sdk/client-ec2';
import { type DBInstance, type RDSClient, RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import { awsCall } from '../probes/aws/awsCall.ts';
import { describeNetworkInterfaces } from '../probes/aws/ec2.ts';
import { describeDbInstance, describeEvents } from '../probes/aws/rds.ts';
import { judgeAppPage } from '../probes/page.ts';
import { analyzeFailover, type FailoverAnalysis } from '../probes/failover/failoverAnalysis.ts';
import {
  type FailoverObservation,
  type RunningObservers,
  startFailoverObservers,
} from '../probes/failover/failoverObservers.ts';
import {
  ensureHeartbeatTable,
  heartbeatTable,
  heartbeatSeqsPresent,
  removeHeartbeatRows,
} from '../probes/failover/sqlHeartbeat.ts';
import { type HttpProbeOptions, httpGet } from '../probes/http.ts';
import { resolveSqlHost, type SqlAccess, type SqlSessionOptions, withSqlSession } from '../probes/sql.ts';
import { type PartProblem, recordDrillParts, recordPartsNotJudged } from './drillParts.ts';
import { type DrillContext, type DrillOutcome, defineDrill } from './experiment.ts';

// rds.failover.drill: reboot the Multi-AZ instance with failover while DNS, TCP, SQL heartbeat writes and
// the app page are watched, then prove what the lab promises: the endpoint moved to the old standby's
// address, AZ and secondary AZ swapped, the app answers again within the RTO, and no acknowledged write
// was lost. The failover cannot be undone; the journal records it with a 'none' undo.
// The watching (watchFailover) is shared with aurora.failover.drill.

export interface FailoverWatchSettings {
  /** thresholds.failoverRtoS: the pass mark for the measured recovery. */
  rtoS: number;
  /**
   * thresholds.failoverWindowS: how long the drill watches after the failover call. Longer than the RTO, so
   * that a slow recovery is measured (and judged against the RTO) rather than reported as none.
   */
  observeS: number;
  dnsEveryMs: number;
  writeEveryMs: number;
  appEveryMs: number;
  statusEveryMs: number;
  /** Observation before the failover call, so that the "before" side of every gap is seen. */
  warmupMs: number;
  /** Observation after recovery, so that the "after" side is seen more than once. */
  tailMs: number;
  /** TCP connects to the endpoint's current address (off where that address must not be contacted). */
  tcpProbe: boolean;
}

export const defaultWatchSettings: Omit<FailoverWatchSettings, 'rtoS' | 'observeS'> = {
  dnsEveryMs: 150,
  writeEveryMs: 100,
  appEveryMs: 250,
  statusEveryMs: 1000,
  warmupMs: 1500,
  tailMs: 1000,
  tcpProbe: true,
};

export interface FailoverDrillTarget {
  /** The SQL access once the endpoint is known (rds.sql overrides first), or why there is none. */
  sqlFor: (endpoint: { address: string; port: number }) => SqlAccess | string;
  /** rds.resolver or dns.resolver. */
  resolver?: string;
  /** The app through the ALB (alb.url). */
  appUrl?: string;
  http: HttpProbeOptions;
  watch: FailoverWatchSettings;
}

export interface RdsFailoverTarget extends FailoverDrillTarget {
  instance: string;
  /** The read replica, whose address is not the standby's. */
  replica?: string;
}

/** Session options for the heartbeat: short timeouts, so a failover shows as errors, not as a hang. */
export function heartbeatSession(access: SqlAccess): SqlSessionOptions {
  return {
    endpoint: access.primary,
    credentials: access.credentials,
    connectTimeoutMs: 1000,
    queryTimeoutMs: 2000,
    dnsTimeoutMs: 500,
  };
}

export interface WatchPlan {
  endpointName: string;
  /** Resolver for the endpoint name ("HOST:PORT"); the system's servers when absent. */
  resolver?: string;
  port: number;
  oldAddress: string;
  expectedAddress: string | null;
  sql: SqlSessionOptions | null;
  appUrl: string | null;
  /** The control plane's view, polled every statusEveryMs: done once the service says the failover ended. */
  /**
   * The control plane's view: done once the failover is over; `abandoned` (RDS's event message) when RDS
   * refused to fail over at all, which ends the watch at once.
   */
  controlPlaneDone: () => Promise<{ done: boolean; label: string; abandoned?: string }>;
  /** The failover call, through ctx.change. */
  trigger: () => Promise<void>;
}

export interface WatchedFailover {
  rebootAt: number;
  observation: FailoverObservation;
  analysis: FailoverAnalysis;
  /** Control-plane statuses as they changed, with epoch ms. */
  statuses: { at: number; label: string }[];
  /** The control plane reported the end of the failover (e.g. status available again). */
  controlPlaneDoneAt: number | null;
  /** Why the acknowledged writes could not be checked on the new writer, when they could not. */
  presentError?: string;
  endedBy: 'recovered' | 'rto-deadline' | 'abandoned';
  /** RDS's message when it abandoned the failover (RDS-EVENT-0034). */
  abandoned?: string;
}

function secondsText(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

/** Runs the observers around the failover call and waits (within the window) for everything to recover. */
export async function watchFailover(
  ctx: DrillContext,
  plan: WatchPlan,
  settings: FailoverWatchSettings,
  http: HttpProbeOptions,
  note: string,
): Promise<WatchedFailover> {
  const totalMs = settings.warmupMs + settings.observeS * 1000 + settings.tailMs + 5000;
  const observers = startFailoverObservers({
    endpointName: plan.endpointName,
    maxDurationMs: totalMs,
    dns: { everyMs: settings.dnsEveryMs, timeoutMs: 1000 },
    ...(settings.tcpProbe ? { tcp: { port: plan.port, everyMs: settings.dnsEveryMs, timeoutMs: 1000 } } : {}),
    ...(plan.sql ? { sql: { session: plan.sql, note, everyMs: settings.writeEveryMs } } : {}),
    ...(plan.appUrl
      ? {
          app: {
            url: plan.appUrl,
            http: { ...http, retries: 0, timeoutMs: Math.min(http.timeoutMs, 3000) },
            everyMs: settings.appEveryMs,
          },
        }
      : {}),
    ...(plan.resolver ? { resolver: plan.resolver } : {}),
    onFigures: (figures) => {
      ctx.progress.figure('dns', figures.dns);
      if (plan.sql) ctx.progress.figure('writes', `${figures.writesOk} ok/${figures.writesFailed} failed`);
      if (plan.appUrl) ctx.progress.figure('app', figures.app);
    },
  });
  const statuses: { at: number; label: string }[] = [];
  let rebootAt = Date.now();
  let controlPlaneDoneAt: number | null = null;
  let endedBy: WatchedFailover['endedBy'] = 'rto-deadline';
  let abandoned: string | undefined;
  let observation: FailoverObservation | undefined;
  try {
    ctx.progress.phase('observe');
    await ctx.sleep(settings.warmupMs);
    ctx.progress.phase('failover');
    rebootAt = Date.now();
    await plan.trigger();
    ctx.event('failover requested', `endpoint ${plan.endpointName} resolved to ${plan.oldAddress}`);
    const deadline = rebootAt + settings.observeS * 1000;
    let nextStatusAt = 0;
    while (Date.now() < deadline) {
      if (Date.now() >= nextStatusAt) {
        nextStatusAt = Date.now() + settings.statusEveryMs;
        const status: Awaited<ReturnType<WatchPlan['controlPlaneDone']>> = await plan
          .controlPlaneDone()
          .catch((error: Error) => ({
            done: false,
            label: `describe failed: ${error.message.slice(0, 120)}`,
          }));
        if (statuses.at(-1)?.label !== status.label) {
          statuses.push({ at: Date.now(), label: status.label });
          ctx.event(
            `status: ${status.label}`,
            `${secondsText(Date.now() - rebootAt)} after the failover call`,
          );
          ctx.progress.figure('status', status.label);
        }
        if (status.done && controlPlaneDoneAt === null) controlPlaneDoneAt = Date.now();
        if (status.abandoned !== undefined) {
          abandoned = status.abandoned;
          endedBy = 'abandoned';
          ctx.event('RDS abandoned the failover', status.abandoned);
          break;
        }
      }
      if (controlPlaneDoneAt !== null && recovered(observers, plan)) {
        endedBy = 'recovered';
        break;
      }
      await ctx.sleep(100);
    }
    ctx.progress.phase('settle');
    await ctx.sleep(settings.tailMs);
  } finally {
    observation = await observers.stop();
  }

  let presentAfter: Set<number> | undefined;
  let presentError: string | undefined;
  if (plan.sql) {
    try {
      presentAfter = await withSqlSession(plan.sql, (session) => heartbeatSeqsPresent(session, note));
    } catch (error) {
      presentError = error instanceof Error ? error.message : String(error);
    }
  }
  const analysis = analyzeFailover({
    rebootAt,
    oldAddress: plan.oldAddress,
    expectedAddress: plan.expectedAddress,
    dns: observation.dns,
    ...(plan.sql ? { writes: observation.writes } : {}),
    ...(plan.appUrl ? { app: observation.app } : {}),
    ...(presentAfter ? { presentAfter } : {}),
  });
  return {
    rebootAt,
    observation,
    analysis,
    statuses,
    controlPlaneDoneAt,
    ...(presentError ? { presentError } : {}),
    endedBy,
    ...(abandoned !== undefined ? { abandoned } : {}),
  };
}

/** Live check: DNS moved, the latest write acknowledged, the latest app load healthy. */
function recovered(observers: RunningObservers, plan: WatchPlan): boolean {
  const address = observers.latestAddress();
  const moved = address !== null && address !== plan.oldAddress;
  const figures = observers.figures();
  const writesOk = plan.sql === null || figures.lastWriteOk;
  const appOk = plan.appUrl === null || figures.lastAppHealthy;
  return moved && writesOk && appOk;
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
 * groups in its secondary AZ (the replica's address excluded); null when that is not clear-cut.
 */
async function standbyAddressOf(
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

interface InstancePlacement {
  status: string;
  multiAz: boolean;
  az: string | null;
  secondaryAz: string | null;
}

function placementOf(instance: DBInstance): InstancePlacement {
  return {
    status: instance.DBInstanceStatus ?? 'unknown',
    multiAz: instance.MultiAZ === true,
    az: instance.AvailabilityZone ?? null,
    secondaryAz: instance.SecondaryAvailabilityZone ?? null,
  };
}

export interface RdsFailoverObservation {
  /** Set when the instance is Single-AZ: what RDS answered to the reboot with failover. */
  singleAz?: { refusal: string | null };
  endpoint: string;
  before: InstancePlacement & { address: string; addressAz: string | null };
  after: InstancePlacement | null;
  expectedAddress: string | null;
  newAddress: string | null;
  newAddressAz: string | null;
  watched: WatchedFailover | null;
  sqlSkipped: string | null;
  events: { at: string; id: string; message: string }[];
}

function rdsOf(ctx: DrillContext): RDSClient {
  const rds = ctx.clients.rds;
  if (!rds) throw new Error('the drill needs an RDS client');
  return rds;
}

const failoverEventIds: Record<string, string> = {
  'Multi-AZ instance failover started.': 'RDS-EVENT-0013',
  'Multi-AZ failover to standby complete - DNS propagation may take a few minutes.': 'RDS-EVENT-0015',
  'Multi-AZ instance failover completed.': 'RDS-EVENT-0049',
  'DB instance restarted.': 'RDS-EVENT-0006',
  'DB instance shutdown.': 'RDS-EVENT-0004',
};

/** RDS-EVENT-0034: RDS refuses a failover soon after another one and only reboots the primary. */
const abandonedFailoverPattern = /^Abandoning user requested failover/;

/** RDS's message when it abandoned the failover requested at `sinceMs`, or null. */
async function abandonedFailover(rds: RDSClient, instance: string, sinceMs: number): Promise<string | null> {
  const events = await describeEvents(rds, {
    sourceId: instance,
    sourceType: 'db-instance',
    start: new Date(sinceMs - 5000),
  }).catch(() => []);
  const found = events.find((e) => abandonedFailoverPattern.test(e.Message ?? ''));
  return found ? (found.Message ?? '').slice(0, 300) : null;
}

/**
 * When to try again after RDS-EVENT-0034. RDS does not document the window; labdrill assumes five minutes
 * after the last failover that completed (RDS-EVENT-0049), else after the refusal.
 */
const failoverRetryAfterMs = 5 * 60_000;

/** The heartbeat table, made as a journalled change: the rollback (or `labdrill restore`) drops it again. */
export async function createHeartbeatTable(ctx: DrillContext, access: SqlAccess): Promise<void> {
  await ctx.change({
    step: 'create-heartbeat-table',
    undo: {
      type: 'sql.dropTable',
      table: heartbeatTable,
      host: access.primary.host,
      port: access.primary.port,
    },
    apply: () => withSqlSession(heartbeatSession(access), ensureHeartbeatTable),
  });
}

/** Whether the database takes a session and a query, without writing anything (a steady-state look). */
export async function sqlProblem(access: SqlAccess): Promise<string | null> {
  try {
    await withSqlSession(heartbeatSession(access), (session) => session.select('SELECT 1'));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The drill's own note for its heartbeat rows: one run, one note. */
function heartbeatNote(ctx: DrillContext): string {
  return ctx.runId.replace(/[^A-Za-z0-9_.:-]/g, '').slice(-64) || 'labdrill';
}

export async function resolveEndpoint(name: string, resolver: string | undefined): Promise<string> {
  return resolveSqlHost({ host: name, port: 0, ...(resolver ? { resolver } : {}) }, 2000);
}

/** The app page is healthy now; the problem when it is not. */
export async function appProblem(url: string, http: HttpProbeOptions): Promise<string | null> {
  try {
    const response = await httpGet(url, http);
    const judged = judgeAppPage(response.status, response.body);
    return judged.healthy ? null : (judged.problem ?? `HTTP ${response.status}`);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function rdsFailoverDrill(target: RdsFailoverTarget) {
  return defineDrill<RdsFailoverObservation>({
    id: 'rds.failover.drill',
    title: 'RDS Multi-AZ: reboot with failover',
    parts: rdsFailoverParts,
    steadyState: async (ctx) => {
      const instance = await describeDbInstance(rdsOf(ctx), target.instance);
      if (instance.DBInstanceStatus !== 'available') {
        return `${target.instance} is ${instance.DBInstanceStatus ?? 'in an unknown state'}, not available`;
      }
      const endpoint = instance.Endpoint?.Address;
      if (!endpoint) return `${target.instance} has no endpoint yet`;
      const access = target.sqlFor({ address: endpoint, port: instance.Endpoint?.Port ?? 3306 });
      if (typeof access !== 'string' && instance.MultiAZ) {
        const problem = await sqlProblem(access);
        if (problem)
          return `cannot reach the database through ${access.primary.host}:${access.primary.port}: ${problem}`;
      }
      if (target.appUrl) {
        const problem = await appProblem(target.appUrl, target.http);
        if (problem) return `the app page is not healthy before the drill: ${problem}`;
      }
    },
    method: async (ctx) => {
      const undoNote = `a reboot with failover of ${target.instance} cannot be undone: the old standby stays the primary`;
      if (ctx.dryRun) {
        const access = target.sqlFor({ address: `(${target.instance}'s endpoint)`, port: 3306 });
        if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
        await ctx.change({
          step: 'reboot-with-failover',
          undo: { type: 'none', note: undoNote },
          apply: async () => {},
        });
        return {
          endpoint: '',
          before: { status: '', multiAz: true, az: null, secondaryAz: null, address: '', addressAz: null },
          after: null,
          expectedAddress: null,
          newAddress: null,
          newAddressAz: null,
          watched: null,
          sqlSkipped: null,
          events: [],
        };
      }
      const rds = rdsOf(ctx);
      const ec2 = ctx.clients.ec2;
      let rebootCalledAt = Date.now();
      const reboot = () => (
        (rebootCalledAt = Date.now()),
        awsCall(
          rds,
          new RebootDBInstanceCommand({ DBInstanceIdentifier: target.instance, ForceFailover: true }),
          {
            subject: `RDS DB instance '${target.instance}'`,
          },
        ).then(() => undefined)
      );

      const instance = await describeDbInstance(rds, target.instance);
      const before = placementOf(instance);
      const endpoint = instance.Endpoint?.Address ?? '';
      const port = instance.Endpoint?.Port ?? 3306;
      const oldAddress = await resolveEndpoint(endpoint, target.resolver);
      const addressAz = (await azOfAddress(ec2, oldAddress)) ?? before.az;
      ctx.event('endpoint before', `${endpoint} → ${oldAddress} (${addressAz ?? 'AZ unknown'})`);
      const base = {
        endpoint,
        before: { ...before, address: oldAddress, addressAz },
        events: [] as RdsFailoverObservation['events'],
      };

      if (!before.multiAz) {
        // RDS refuses a forced failover of a Single-AZ instance; the drill shows the student RDS's answer.
        let refusal: string | null = null;
        try {
          await ctx.change({
            step: 'reboot-with-failover',
            undo: { type: 'none', note: undoNote },
            apply: reboot,
          });
        } catch (error) {
          refusal = error instanceof Error ? error.message : String(error);
          ctx.event('RDS refused the reboot with failover', refusal);
        }
        return {
          ...base,
          singleAz: { refusal },
          after: null,
          expectedAddress: null,
          newAddress: null,
          newAddressAz: null,
          watched: null,
          sqlSkipped: null,
        };
      }

      const replicaAddress = target.replica
        ? await describeDbInstance(rds, target.replica)
            .then((replica) =>
              replica.Endpoint?.Address ? resolveEndpoint(replica.Endpoint.Address, target.resolver) : null,
            )
            .catch(() => null)
        : null;
      const expectedAddress = await standbyAddressOf(
        ec2,
        instance,
        [oldAddress, replicaAddress].filter((a): a is string => a !== null),
      );
      ctx.event(
        'standby',
        expectedAddress
          ? `expected at ${expectedAddress} (${before.secondaryAz})`
          : `in ${before.secondaryAz ?? 'an unknown AZ'}`,
      );
      const access = target.sqlFor({ address: endpoint, port });
      const sql = typeof access === 'string' ? null : heartbeatSession(access);
      const sqlSkipped = typeof access === 'string' ? access : null;
      if (sqlSkipped) ctx.evidence.note(`SQL heartbeat not run: ${sqlSkipped}`);
      if (typeof access !== 'string') await createHeartbeatTable(ctx, access);
      const note = heartbeatNote(ctx);

      let sawRebooting = false;
      const watched = await watchFailover(
        ctx,
        {
          endpointName: endpoint,
          ...(target.resolver ? { resolver: target.resolver } : {}),
          port: sql?.endpoint.port ?? port,
          oldAddress,
          expectedAddress,
          sql,
          appUrl: target.appUrl ?? null,
          trigger: () =>
            ctx.change({
              step: 'reboot-with-failover',
              undo: { type: 'none', note: undoNote },
              apply: reboot,
            }),
          controlPlaneDone: async () => {
            const now = await describeDbInstance(rds, target.instance);
            const status = now.DBInstanceStatus ?? 'unknown';
            if (status !== 'available') sawRebooting = true;
            const swapped = now.AvailabilityZone !== before.az;
            // The AZ can show late; the failover is over for the drill once the instance is available again
            // (after rebooting, or with its AZ already swapped when the rebooting phase was too short to see).
            const done = status === 'available' && (sawRebooting || swapped);
            // Back without a swap: perhaps RDS only rebooted it, having abandoned the failover.
            const abandoned =
              done && !swapped ? await abandonedFailover(rds, target.instance, rebootCalledAt) : null;
            return { done, label: status, ...(abandoned ? { abandoned } : {}) };
          },
        },
        target.watch,
        target.http,
        note,
      );

      // The API may show the AZ swap minutes after the status; poll on, within the observation window.
      let after = placementOf(await describeDbInstance(rds, target.instance));
      const azDeadline = watched.rebootAt + target.watch.observeS * 1000;
      while (after.az === before.az && Date.now() < azDeadline) {
        await ctx.sleep(target.watch.statusEveryMs);
        after = placementOf(await describeDbInstance(rds, target.instance));
      }
      const lastAnswer = [...watched.observation.dns].reverse().find((s) => s.addresses.length > 0);
      const newAddress = lastAnswer?.addresses[0] ?? null;
      const newAddressAz = newAddress ? await azOfAddress(ec2, newAddress) : null;

      const events = await describeEvents(rds, {
        sourceId: target.instance,
        sourceType: 'db-instance',
        start: new Date(watched.rebootAt - 5000),
      }).catch(() => []);
      const rdsEvents = events.map((e) => ({
        at: e.Date?.toISOString() ?? '',
        // DescribeEvents carries no event id; the messages RDS documents map to theirs.
        id: abandonedFailoverPattern.test(e.Message ?? '')
          ? 'RDS-EVENT-0034'
          : (failoverEventIds[e.Message ?? ''] ?? ''),
        message: (e.Message ?? '').slice(0, 300),
      }));
      for (const e of rdsEvents) ctx.event(`RDS event ${e.id}`.trim(), `${e.at} ${e.message}`);
      if (sql) await withSqlSession(sql, (session) => removeHeartbeatRows(session, note)).catch(() => 0);
      recordMeasurements(ctx, watched);
      return {
        ...base,
        after,
        expectedAddress,
        newAddress,
        newAddressAz,
        watched,
        sqlSkipped,
        events: rdsEvents,
      };
    },
    verify: async (ctx, seen) => verifyRdsFailover(ctx, target, seen),
  });
}

/** RDS-EVENT-0034: nothing to judge; the drill says when RDS will accept a failover again. */
function abandonedOutcome(target: RdsFailoverTarget, watched: WatchedFailover): DrillOutcome {
  const retryAt = new Date(watched.rebootAt + failoverRetryAfterMs);
  return {
    verdict: 'error',
    errorCode: 'rds.failover-refused',
    reason: `RDS abandoned the failover of ${target.instance} because another one happened recently (RDS-EVENT-0034: "${watched.abandoned}"); it only rebooted the primary, so nothing was measured. Try again after ${retryAt.toISOString().slice(11, 19)} UTC`,
    fix: 'wait a few minutes after a failover before the next one (labdrill waits 5 minutes)',
  };
}

/** Measurements and samples of a watched failover into the evidence. */
export function recordMeasurements(ctx: DrillContext, watched: WatchedFailover): void {
  const { analysis, rebootAt } = watched;
  const seconds = (ms: number) => ms / 1000;
  if (analysis.dnsSwap)
    ctx.evidence.measure('DNS swap after the failover call', seconds(analysis.dnsSwap.afterMs), 's');
  if (analysis.writeOutage?.ms != null)
    ctx.evidence.measure('write downtime (client-observed)', seconds(analysis.writeOutage.ms), 's');
  if (analysis.appOutage?.ms != null)
    ctx.evidence.measure('app downtime', seconds(analysis.appOutage.ms), 's');
  if (analysis.rtoMs !== null)
    ctx.evidence.measure('RTO (call → app healthy and writes OK)', seconds(analysis.rtoMs), 's');
  ctx.evidence.measure('writes acknowledged', analysis.writesAcknowledged, 'count');
  ctx.evidence.measure('writes failed', analysis.writesFailed, 'count');
  if (analysis.lostWrites)
    ctx.evidence.measure('acknowledged writes lost', analysis.lostWrites.length, 'count');
  const { observation } = watched;
  ctx.evidence.series(
    'write ok (1) / failed (0)',
    'bool',
    observation.writes.map((s) => (s.ok ? 1 : 0)),
  );
  ctx.evidence.series(
    'write time from the failover call',
    'ms',
    observation.writes.map((s) => s.at - rebootAt),
  );
  ctx.evidence.series(
    'app healthy (1) / not (0)',
    'bool',
    observation.app.map((s) => (s.healthy ? 1 : 0)),
  );
  ctx.evidence.series(
    'app time from the failover call',
    'ms',
    observation.app.map((s) => s.at - rebootAt),
  );
  ctx.evidence.series(
    'TCP connect ok (1) / failed (0)',
    'bool',
    observation.tcp.map((s) => (s.ok ? 1 : 0)),
  );
  const offset = (at: number | null | undefined) =>
    at == null ? 'n/a' : `+${((at - rebootAt) / 1000).toFixed(2)} s`;
  if (analysis.dnsSwap) {
    ctx.event(
      'DNS moved',
      `${analysis.dnsSwap.address} first seen ${offset(analysis.dnsSwap.at)} (last old answer ${offset(analysis.dnsSwap.lastOldAt)})`,
    );
  }
  if (analysis.writeOutage) {
    ctx.event(
      'writes down',
      `last acknowledged ${offset(analysis.writeOutage.lastOkAt)}, first failure ${offset(analysis.writeOutage.firstFailAt)}, back ${offset(analysis.writeOutage.firstOkAt)}`,
    );
  }
  if (analysis.appOutage) {
    ctx.event(
      'app down',
      `last healthy ${offset(analysis.appOutage.lastOkAt)}, back ${offset(analysis.appOutage.firstOkAt)}`,
    );
  }
  ctx.evidence.set('failover', {
    dnsSamples: observation.dns.length,
    tcpSamples: observation.tcp.length,
    writeSamples: observation.writes.length,
    appSamples: observation.app.length,
    endedBy: watched.endedBy,
    statuses: watched.statuses.map((s) => `${offset(s.at)} ${s.label}`),
  });
}

/** The parts both failover drills share: no acknowledged write lost, and recovered within the RTO. */
export type ClientSidePart = 'no-write-lost' | 'within-rto';

/** Problems common to both drills: writes, app, RTO, each with the part it costs. Empty when all is well. */
export function clientSideProblems(
  watched: WatchedFailover,
  watch: Pick<FailoverWatchSettings, 'rtoS' | 'observeS'>,
): PartProblem<ClientSidePart>[] {
  const { rtoS, observeS } = watch;
  const { analysis } = watched;
  const problems: PartProblem<ClientSidePart>[] = [];
  if (analysis.lostWrites && analysis.lostWrites.length > 0) {
    const list = analysis.lostWrites.slice(0, 10).join(', ');
    problems.push({
      part: 'no-write-lost',
      reason: `${analysis.lostWrites.length} acknowledged write(s) are missing on the new writer after the failover (heartbeat seq ${list})`,
      fix: 'a Multi-AZ standby must replicate synchronously: acknowledged writes must survive a failover',
    });
  }
  if (watched.presentError) {
    problems.push({
      part: 'no-write-lost',
      reason: `could not read the heartbeat rows back from the new writer: ${watched.presentError}`,
    });
  }
  if (analysis.writeOutage && analysis.writeOutage.firstOkAt === null) {
    problems.push({
      part: 'within-rto',
      reason: `writes through the endpoint did not succeed again within ${observeS} s of the failover`,
      fix: 'connect by the endpoint name and reconnect after an error, resolving the name again (TTL 5 s)',
    });
  }
  if (analysis.appOutage && analysis.appOutage.firstOkAt === null) {
    const last = watched.observation.app.at(-1);
    problems.push({
      part: 'within-rto',
      reason: `the app page did not recover within ${observeS} s of the failover (last: ${last?.problem ?? 'no answer'})`,
      fix: 'dbinfo.inc must name the RDS endpoint (not an IP address) so the app follows the failover',
    });
  }
  if (analysis.rtoMs !== null && analysis.rtoMs > rtoS * 1000) {
    problems.push({
      part: 'within-rto',
      reason: `recovered in ${secondsText(analysis.rtoMs)}, over the ${rtoS} s target (thresholds.failoverRtoS)`,
    });
  }
  return problems;
}

/** What the client side saw when nothing went wrong, per part; null for a part that was not measured. */
export function clientSidePassed(
  watched: WatchedFailover,
  watch: Pick<FailoverWatchSettings, 'rtoS'>,
  sqlSkipped: string | null,
): Record<ClientSidePart, string | null> {
  const a = watched.analysis;
  return {
    'no-write-lost': sqlSkipped ? null : `${a.writesAcknowledged} acknowledged writes, none lost`,
    'within-rto': a.rtoMs === null ? null : `recovered in ${secondsText(a.rtoMs)} (target ${watch.rtoS} s)`,
  };
}

const rdsFailoverParts = ['endpoint-moved', 'no-write-lost', 'within-rto'] as const;
type RdsFailoverPart = (typeof rdsFailoverParts)[number];

function verifyRdsFailover(
  ctx: DrillContext,
  target: RdsFailoverTarget,
  seen: RdsFailoverObservation,
): DrillOutcome {
  ctx.evidence.set('rdsFailover', {
    endpoint: seen.endpoint,
    before: { ...seen.before },
    after: seen.after ? { ...seen.after } : null,
    expectedAddress: seen.expectedAddress,
    newAddress: seen.newAddress,
    newAddressAz: seen.newAddressAz,
    events: seen.events.map((e) => `${e.at} ${e.id} ${e.message}`),
  });
  if (seen.singleAz) {
    const answer = seen.singleAz.refusal ?? 'RDS accepted the call although the instance is not Multi-AZ';
    ctx.evidence.part('endpoint-moved', false, `${target.instance} is Single-AZ: ${answer}`);
    recordPartsNotJudged(ctx.evidence, ['no-write-lost', 'within-rto'], 'no failover happened');
    return {
      verdict: 'fail',
      reason: `${target.instance} is a Single-AZ instance: RDS refuses a reboot with failover (${answer})`,
      fix: 'turn on Multi-AZ (Modify → Multi-AZ deployment: create a standby instance), then run the drill again',
    };
  }
  const watched = seen.watched;
  if (!watched) return { verdict: 'error', reason: 'the failover was not observed' };
  if (watched.abandoned !== undefined) return abandonedOutcome(target, watched);
  const { before, after } = seen;
  const where = (az: string | null) => (az ? ` in ${az}` : '');
  const problems: PartProblem<RdsFailoverPart>[] = [];
  const swap = watched.analysis.dnsSwap;
  if (!swap) {
    problems.push({
      part: 'endpoint-moved',
      reason: `after reboot with failover the endpoint still resolves to ${before.address} (the old primary${where(before.addressAz)}): DNS did not move to the standby`,
      fix: 'the endpoint name must follow the primary; check rds.resolver points at the VPC resolver, and look at the RDS events',
    });
  } else if (seen.newAddressAz && before.secondaryAz && seen.newAddressAz !== before.secondaryAz) {
    problems.push({
      part: 'endpoint-moved',
      reason: `the endpoint moved to ${swap.address}${where(seen.newAddressAz)}, not to the old standby${where(before.secondaryAz)}`,
    });
  }
  if (watched.controlPlaneDoneAt === null) {
    problems.push({
      part: 'endpoint-moved',
      reason: `${target.instance} was not available again within ${target.watch.observeS} s (statuses: ${watched.statuses.map((s) => s.label).join(' → ') || 'none'})`,
    });
  }
  if (after && (after.az !== before.secondaryAz || after.secondaryAz !== before.az)) {
    problems.push({
      part: 'endpoint-moved',
      reason: `AvailabilityZone/SecondaryAvailabilityZone did not swap: ${before.az}/${before.secondaryAz} before, ${after.az}/${after.secondaryAz} after`,
    });
  }
  problems.push(...clientSideProblems(watched, target.watch));
  recordDrillParts(
    ctx.evidence,
    {
      'endpoint-moved': swap
        ? `the endpoint moved from ${before.address}${where(before.addressAz)} to ${swap.address}${where(seen.newAddressAz)} ${secondsText(swap.afterMs)} after the reboot`
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
    : `writes down ${secondsText(a.writeOutage?.ms ?? 0)}, ${a.writesAcknowledged} acknowledged writes, none lost`;
  const app = target.appUrl ? `, app down ${secondsText(a.appOutage?.ms ?? 0)}` : '';
  return {
    verdict: 'pass',
    reason:
      `endpoint moved from ${before.address}${where(before.addressAz)} to ${swap!.address}${where(seen.newAddressAz)} ` +
      `${secondsText(swap!.afterMs)} after the reboot; ${writes}${app}; RTO ${secondsText(a.rtoMs)}`,
  };
}
