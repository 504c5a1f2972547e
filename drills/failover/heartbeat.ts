import { defaults } from '../../config/defaults.ts';
import {
  ensureHeartbeatTable,
  heartbeatTable,
  removeHeartbeatRows,
} from '../../probes/failover/sqlHeartbeat.ts';
import { type SqlAccess, type SqlSessionOptions, withSqlSession } from '../../probes/sql.ts';
import type { DrillContext } from '../experiment.ts';
import type { FailoverDrillTarget } from './failoverTarget.ts';

// The failover drills' SQL heartbeat: its session through the endpoint name, its note (one run, one note),
// its table made as a journalled change that the rollback drops, and its rows removed after the watch.

/** Session options for the heartbeat: short timeouts, so a failover shows as errors, not as a hang. */
export function heartbeatSession(access: SqlAccess): SqlSessionOptions {
  return { endpoint: access.primary, credentials: access.credentials, ...defaults.failoverHeartbeat };
}

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

export interface Heartbeat {
  /** The heartbeat's session; null when there is no SQL access. */
  sql: SqlSessionOptions | null;
  /** Why the heartbeat does not run, when it does not. */
  skipped: string | null;
  /** This run's rows (client_note). */
  note: string;
}

/** The heartbeat through the endpoint, its table made; skipped (with the evidence saying why) without SQL access. */
export async function prepareHeartbeat(
  ctx: DrillContext,
  target: FailoverDrillTarget,
  endpoint: { address: string; port: number },
): Promise<Heartbeat> {
  const access = target.sqlFor(endpoint);
  const note = ctx.runId.replace(/[^A-Za-z0-9_.:-]/g, '').slice(-64) || 'labdrill';
  if (typeof access === 'string') {
    ctx.evidence.note(`SQL heartbeat not run: ${access}`);
    return { sql: null, skipped: access, note };
  }
  await createHeartbeatTable(ctx, access);
  return { sql: heartbeatSession(access), skipped: null, note };
}

/** Removes this run's heartbeat rows (the table goes at the rollback); never throws. */
export async function removeHeartbeat(heartbeat: Heartbeat): Promise<void> {
  const { sql, note } = heartbeat;
  if (sql) await withSqlSession(sql, (session) => removeHeartbeatRows(session, note)).catch(() => 0);
}
