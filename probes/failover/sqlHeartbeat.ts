import { openSqlSession, type SqlProbeError, type SqlSession, type SqlSessionOptions } from '../sql.ts';
import { type PollBounds, type Sampler, startSampler } from '../poller.ts';

// Writes numbered heartbeat rows to the writer through the endpoint name, one at a time, and records which
// ones the server acknowledged. On an error the connection is dropped and the next write opens a new one,
// resolving the name again, as an application that reconnects does. After the failover, every acknowledged
// row must be on the new writer: a missing one is a lost acknowledged write.

export const heartbeatTable = 'labdrill_heartbeat';

export interface HeartbeatSample {
  seq: number;
  /** Epoch ms when the write started (connect included when a new connection was needed). */
  sentAt: number;
  /** Epoch ms of the acknowledgement or the error. */
  at: number;
  /** The server acknowledged the INSERT (autocommit: it is committed). */
  ok: boolean;
  /** The address the write went to; null when no connection could be opened. */
  address: string | null;
  /** This write opened a new connection. */
  reconnected: boolean;
  error?: string;
}

export interface HeartbeatWriterOptions extends PollBounds {
  maxPolls: number;
  /** How to open a session; called for each new connection (the endpoint name is resolved afresh). */
  session: SqlSessionOptions;
  /** Tells this run's rows from other runs' (client_note), at most 64 characters. */
  note: string;
}

export interface HeartbeatWriter extends Sampler<HeartbeatSample> {
  /** Sequence numbers the server acknowledged, ascending. */
  acknowledged(): number[];
}

function checkNote(note: string): void {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(note))
    throw new Error(`heartbeat note must be 1–64 plain characters: ${note}`);
}

/** Creates labdrill_heartbeat on the writer when it is missing (run before the failover). */
export async function ensureHeartbeatTable(session: SqlSession): Promise<void> {
  await session.execute(
    `CREATE TABLE IF NOT EXISTS ${heartbeatTable} (
       client_note VARCHAR(64) NOT NULL,
       seq INT UNSIGNED NOT NULL,
       written_at DATETIME(3) NOT NULL,
       PRIMARY KEY (client_note, seq)
     ) ENGINE=InnoDB`,
  );
}

/** The sequence numbers of this note's rows present on the server the session is connected to. */
export async function heartbeatSeqsPresent(session: SqlSession, note: string): Promise<Set<number>> {
  checkNote(note);
  const rows = await session.select(`SELECT seq FROM ${heartbeatTable} WHERE client_note = ? ORDER BY seq`, [
    note,
  ]);
  return new Set(rows.map((row) => Number(row.seq)));
}

/** Removes this note's rows (the table stays, for the next run). */
export async function removeHeartbeatRows(session: SqlSession, note: string): Promise<number> {
  checkNote(note);
  const result = await session.execute(`DELETE FROM ${heartbeatTable} WHERE client_note = ?`, [note]);
  return result.affectedRows;
}

export function startHeartbeatWriter(
  options: HeartbeatWriterOptions,
  onSample?: (sample: HeartbeatSample) => void,
): HeartbeatWriter {
  checkNote(options.note);
  let session: SqlSession | null = null;
  const acknowledged: number[] = [];
  const sampler = startSampler<HeartbeatSample>(
    async (index) => {
      const seq = index + 1;
      const sentAt = Date.now();
      const reconnected = session === null;
      let address: string | null = session?.address ?? null;
      try {
        session ??= await openSqlSession(options.session);
        address = session.address;
        await session.execute(
          `INSERT INTO ${heartbeatTable} (client_note, seq, written_at) VALUES (?, ?, NOW(3))`,
          [options.note, seq],
        );
        acknowledged.push(seq);
        return { seq, sentAt, at: Date.now(), ok: true, address, reconnected };
      } catch (error) {
        const failed = session;
        session = null;
        await failed?.close();
        const text = (error as SqlProbeError).message ?? String(error);
        return { seq, sentAt, at: Date.now(), ok: false, address, reconnected, error: text.slice(0, 200) };
      }
    },
    options,
    onSample,
  );
  const closeSession = async (samples: HeartbeatSample[]) => {
    const open = session;
    session = null;
    await open?.close();
    return samples;
  };
  const done = sampler.done.then(closeSession);
  return {
    samples: sampler.samples,
    done,
    stop: () => sampler.stop().then(() => done),
    acknowledged: () => [...acknowledged],
  };
}
