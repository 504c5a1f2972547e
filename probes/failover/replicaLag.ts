import { setTimeout as sleep } from 'node:timers/promises';
import {
  openSqlSession,
  SqlProbeError,
  type SqlRows,
  type SqlSession,
  type SqlSessionOptions,
} from '../sql.ts';
import { startPoller } from '../poller.ts';
import { quantile } from '../stats/quantiles.ts';
import { defaults } from '../../config/defaults.ts';

// Replica lag as a client sees it: marker rows written on the primary, each stamped with the moment the
// primary acknowledged it, and the moment each first shows on the read replica (polled). The rows live in
// labdrill_replica_marker; this run's rows are removed afterwards, and the table too once no other run's
// rows are in it, so that a run without --chaos leaves nothing in the student's database.

export const markerTable = 'labdrill_replica_marker';

export interface ReplicaLagOptions {
  primary: SqlSessionOptions;
  replica: SqlSessionOptions;
  /** Tells this run's rows from other runs'; 1–64 plain characters. */
  note: string;
  markers: number;
  /** Time between marker writes. */
  spacingMs: number;
  /** Time between replica reads. */
  pollEveryMs: number;
  /** How long to wait for the last marker after it was written. */
  waitMs: number;
  /** Stops the writes and the watch (the check's budget); this run's rows are still removed. */
  signal?: AbortSignal;
}

export interface MarkerSample {
  seq: number;
  /** Epoch ms of the primary's acknowledgement. */
  writtenAt: number;
  /** Epoch ms of the first replica read that showed it; null when it never showed. */
  seenAt: number | null;
  lagMs: number | null;
}

export interface ReplicaLagResult {
  markers: MarkerSample[];
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** Markers not seen on the replica within waitMs. */
  missing: number;
  /** SELECTs sent to the replica: only while a written marker is still unseen. */
  replicaReads: number;
  replicaAddress: string;
  primaryAddress: string;
}

const noSuchTable = 'ER_NO_SUCH_TABLE';

/**
 * How often the replica is read for a lag threshold: the same fraction of it on a twin's shrunk threshold
 * and on AWS's own (50 ms at 2 s), never faster than the floor.
 */
export function replicaPollEveryMs(thresholdMs: number): number {
  const { pollThresholdFraction, minPollEveryMs } = defaults.replicaLag;
  return Math.max(minPollEveryMs, Math.round(thresholdMs * pollThresholdFraction));
}

async function ensureMarkerTable(session: SqlSession): Promise<void> {
  await session.execute(
    `CREATE TABLE IF NOT EXISTS ${markerTable} (
       client_note VARCHAR(64) NOT NULL,
       seq INT UNSIGNED NOT NULL,
       written_at DATETIME(3) NOT NULL,
       PRIMARY KEY (client_note, seq)
     ) ENGINE=InnoDB`,
  );
}

/** How long a run waits for another run's moment with the table (a few statements long). */
const markerTableLockWaitS = 10;

/**
 * Runs `section` holding the server's named lock on the marker table (GET_LOCK needs no privilege). Two
 * things happen under it: a run makes the table and writes its first marker; a finishing run finds the table
 * empty and drops it. So a run starting as another finishes either has its first marker seen (the table
 * stays) or makes the table again after the drop, never writes into a table about to be dropped.
 */
async function underMarkerTableLock(session: SqlSession, section: () => Promise<void>): Promise<void> {
  const [row] = await session.select('SELECT GET_LOCK(?, ?) AS taken', [markerTable, markerTableLockWaitS]);
  if (Number(row?.taken) !== 1)
    throw new Error(`another run held the lock ${markerTable} for over ${markerTableLockWaitS} s`);
  try {
    await section();
  } finally {
    await session.select('SELECT RELEASE_LOCK(?) AS released', [markerTable]).catch(() => {});
  }
}

/** Deletes this run's markers, and the table when it holds no other run's; never throws. */
async function removeMarkers(primary: SqlSession, note: string): Promise<void> {
  try {
    await primary.execute(`DELETE FROM ${markerTable} WHERE client_note = ?`, [note]);
    await underMarkerTableLock(primary, async () => {
      const others = await primary.select(`SELECT 1 FROM ${markerTable} LIMIT 1`);
      if (others.length === 0) await primary.execute(`DROP TABLE IF EXISTS ${markerTable}`);
    });
  } catch {
    // The table may be gone already (another run dropped it), or the primary unreachable: nothing to do.
  }
}

/** Lag percentiles of the markers that showed; null when none did. */
export function lagSummary(
  markers: readonly MarkerSample[],
): Pick<ReplicaLagResult, 'p50Ms' | 'p95Ms' | 'maxMs' | 'missing'> {
  const lags = markers.map((m) => m.lagMs).filter((lag): lag is number => lag !== null);
  return {
    p50Ms: lags.length > 0 ? quantile(lags, 0.5) : null,
    p95Ms: lags.length > 0 ? quantile(lags, 0.95) : null,
    maxMs: lags.length > 0 ? Math.max(...lags) : null,
    missing: markers.length - lags.length,
  };
}

export async function measureReplicaLag(options: ReplicaLagOptions): Promise<ReplicaLagResult> {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(options.note))
    throw new Error(`marker note must be 1–64 plain characters`);
  options.signal?.throwIfAborted();
  const markers: MarkerSample[] = [];
  // Both at once: the two handshakes are on the check's critical path.
  const [primaryOpened, replicaOpened] = await Promise.allSettled([
    openSqlSession(options.primary),
    openSqlSession(options.replica),
  ]);
  if (primaryOpened.status === 'rejected') {
    if (replicaOpened.status === 'fulfilled') await replicaOpened.value.close();
    throw primaryOpened.reason;
  }
  const primary = primaryOpened.value;
  let replica: SqlSession | undefined;
  try {
    if (replicaOpened.status === 'rejected') throw replicaOpened.reason;
    replica = replicaOpened.value;
    let writing = true;
    // waitMs after the last write the replica has had its chance: the watch ends then, at the latest.
    const waitOver = new AbortController();
    let waitTimer: NodeJS.Timeout | undefined;
    const stop = options.signal ? AbortSignal.any([waitOver.signal, options.signal]) : waitOver.signal;

    const write = async () => {
      try {
        const writeMarker = async (seq: number) => {
          await primary.execute(
            `INSERT INTO ${markerTable} (client_note, seq, written_at) VALUES (?, ?, NOW(3))`,
            [options.note, seq],
          );
          markers.push({ seq, writtenAt: Date.now(), seenAt: null, lagMs: null });
        };
        for (let seq = 1; seq <= options.markers && !options.signal?.aborted; seq++) {
          const started = Date.now();
          if (seq === 1) {
            await underMarkerTableLock(primary, async () => {
              await ensureMarkerTable(primary);
              await writeMarker(seq);
            });
          } else await writeMarker(seq);
          const rest = options.spacingMs - (Date.now() - started);
          // An abort ends the pause at once (and the loop with it).
          if (seq < options.markers && rest > 0)
            await sleep(rest, undefined, options.signal ? { signal: options.signal } : {}).catch(() => {});
        }
      } finally {
        writing = false;
        waitTimer = setTimeout(() => waitOver.abort(), options.waitMs);
      }
    };

    const writes = write();
    const session = replica;
    let replicaReads = 0;
    const watch = startPoller(
      async () => {
        // Between a marker seen and the next one written there is nothing to look for: the tick passes
        // without a query, so a marker is still first looked for within pollEveryMs of its write.
        if (markers.every((marker) => marker.seenAt !== null))
          return { at: Date.now(), seqs: new Set<number>() };
        replicaReads += 1;
        let rows: SqlRows = [];
        try {
          rows = await session.select(`SELECT seq FROM ${markerTable} WHERE client_note = ?`, [options.note]);
        } catch (error) {
          // The table itself may not have reached the replica yet.
          if (!(error instanceof SqlProbeError && error.code === noSuchTable)) throw error;
        }
        return { at: Date.now(), seqs: new Set(rows.map((row) => Number(row.seq))) };
      },
      {
        everyMs: options.pollEveryMs,
        maxDurationMs: options.markers * options.spacingMs + options.waitMs,
        signal: stop,
      },
      (look) => {
        for (const marker of markers) {
          if (marker.seenAt === null && look.seqs.has(marker.seq)) {
            marker.seenAt = look.at;
            marker.lagMs = Math.max(0, look.at - marker.writtenAt);
          }
        }
        return !writing && markers.every((m) => m.seenAt !== null) ? 'stop' : undefined;
      },
    );
    try {
      await Promise.all([writes, watch.done]);
    } finally {
      clearTimeout(waitTimer);
      waitOver.abort();
    }
    // Stopped early: the check reports why (its budget); the finally below still removes the rows.
    options.signal?.throwIfAborted();
    return {
      markers,
      ...lagSummary(markers),
      replicaReads,
      replicaAddress: replica.address,
      primaryAddress: primary.address,
    };
  } finally {
    await removeMarkers(primary, options.note);
    await Promise.all([primary.close(), replica?.close()]);
  }
}
