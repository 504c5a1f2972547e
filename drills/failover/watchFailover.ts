import { defaults } from '../../config/defaults.ts';
import { analyzeFailover, type FailoverAnalysis } from '../../probes/failover/failoverAnalysis.ts';
import {
  type FailoverObservation,
  type RunningObservers,
  startFailoverObservers,
} from '../../probes/failover/failoverObservers.ts';
import { heartbeatSeqsPresent } from '../../probes/failover/sqlHeartbeat.ts';
import { startPoller } from '../../probes/poller.ts';
import { withSqlSession } from '../../probes/sql.ts';
import type { DrillContext } from '../experiment.ts';
import type { FailoverDrillTarget } from './failoverTarget.ts';
import type { Heartbeat } from './heartbeat.ts';
import { secondsText } from './failoverVerdict.ts';

// The watch both failover drills run around their failover call: DNS, TCP, heartbeat writes and the app
// page are observed from a warm-up before the call until everything has recovered (or the window ends),
// while the control plane is asked how the failover goes. Afterwards the acknowledged writes are read back
// from the new writer and the whole is analysed.

export interface WatchPlan {
  endpointName: string;
  port: number;
  oldAddress: string;
  expectedAddress: string | null;
  heartbeat: Heartbeat;
  /**
   * The control plane's view, asked every statusEveryMs: done once the failover is over; `abandoned` (RDS's
   * event message) when RDS refused to fail over at all, which ends the watch at once.
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

/** Runs the observers around the failover call and waits (within the window) for everything to recover. */
export async function watchFailover(
  ctx: DrillContext,
  target: FailoverDrillTarget,
  plan: WatchPlan,
): Promise<WatchedFailover> {
  const { watch: settings, http } = target;
  const { sql, note } = plan.heartbeat;
  const appUrl = target.appUrl ?? null;
  const totalMs =
    settings.warmupMs + settings.observeS * 1000 + settings.tailMs + defaults.failoverDrill.observersMarginMs;
  const observers = startFailoverObservers({
    endpointName: plan.endpointName,
    maxDurationMs: totalMs,
    dns: { everyMs: settings.dnsEveryMs, timeoutMs: defaults.failoverDrill.lookTimeoutMs },
    ...(settings.tcpProbe
      ? {
          tcp: {
            port: plan.port,
            everyMs: settings.dnsEveryMs,
            timeoutMs: defaults.failoverDrill.lookTimeoutMs,
          },
        }
      : {}),
    ...(sql ? { sql: { session: sql, note, everyMs: settings.writeEveryMs } } : {}),
    ...(appUrl
      ? {
          app: {
            url: appUrl,
            http: {
              ...http,
              retries: 0,
              timeoutMs: Math.min(http.timeoutMs, defaults.failoverDrill.appTimeoutMs),
            },
            everyMs: settings.appEveryMs,
          },
        }
      : {}),
    ...(target.resolver ? { resolver: target.resolver } : {}),
    onFigures: (figures) => {
      ctx.progress.figure('dns', figures.dns);
      if (sql) ctx.progress.figure('writes', `${figures.writesOk} ok/${figures.writesFailed} failed`);
      if (appUrl) ctx.progress.figure('app', figures.app);
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
    let nextStatusAt = 0;
    // Every look asks whether everything recovered; every statusEveryMs it asks the control plane too.
    const look = async (): Promise<WatchedFailover['endedBy'] | null> => {
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
          ctx.event('RDS abandoned the failover', status.abandoned);
          return 'abandoned';
        }
      }
      return controlPlaneDoneAt !== null && recovered(observers, plan, appUrl) ? 'recovered' : null;
    };
    await startPoller(
      look,
      {
        everyMs: defaults.failoverDrill.recoveryCheckEveryMs,
        maxDurationMs: rebootAt + settings.observeS * 1000 - Date.now(),
        signal: ctx.signal,
      },
      (ended) => {
        if (ended === null) return undefined;
        endedBy = ended;
        return 'stop';
      },
    ).done;
    ctx.progress.phase('settle');
    // Also ends the watch with the run's AbortError when the run was interrupted.
    await ctx.sleep(settings.tailMs);
  } finally {
    observation = await observers.stop();
  }

  let presentAfter: Set<number> | undefined;
  let presentError: string | undefined;
  if (sql) {
    try {
      presentAfter = await withSqlSession(sql, (session) => heartbeatSeqsPresent(session, note));
    } catch (error) {
      presentError = error instanceof Error ? error.message : String(error);
    }
  }
  const analysis = analyzeFailover({
    rebootAt,
    oldAddress: plan.oldAddress,
    expectedAddress: plan.expectedAddress,
    dns: observation.dns,
    ...(sql ? { writes: observation.writes } : {}),
    ...(appUrl ? { app: observation.app } : {}),
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
function recovered(observers: RunningObservers, plan: WatchPlan, appUrl: string | null): boolean {
  const address = observers.latestAddress();
  const moved = address !== null && address !== plan.oldAddress;
  const figures = observers.figures();
  const writesOk = plan.heartbeat.sql === null || figures.lastWriteOk;
  const appOk = appUrl === null || figures.lastAppHealthy;
  return moved && writesOk && appOk;
}
