import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatabaseCluster,
  type Endpoint,
  startDatabaseCluster,
} from '../../../fixtures/twin/db/databaseCluster.ts';
import { markerTable, measureReplicaLag } from '../../../probes/failover/replicaLag.ts';
import { openSqlSession, type SqlSessionOptions, withSqlSession } from '../../../probes/sql.ts';

// Replica lag measured on the twin's real MariaDB primary and read replica: markers written on one, watched
// for on the other, and the watch bounded by the writes and waitMs.

const password = 'Replica-Lag-Probe-5';
const addresses = { primary: '127.0.84.11', standby: '127.0.84.12', replica: '127.0.84.13' };
const note = `lag-test-${process.pid}`;

let workDir = '';
let cluster: DatabaseCluster;

function session(endpoint: Endpoint): SqlSessionOptions {
  return {
    endpoint,
    credentials: { user: 'admin', password, database: cluster.database },
    connectTimeoutMs: 1000,
    queryTimeoutMs: 2000,
  };
}

const options = () => ({
  primary: session(cluster.endpoints().writer),
  replica: session(cluster.endpoints().replica),
  note,
  markers: 5,
  spacingMs: 100,
  pollEveryMs: 25,
  waitMs: 1500,
});

async function tablesOnPrimary(): Promise<string[]> {
  const rows = await withSqlSession(session(cluster.endpoints().writer), (db) =>
    db.select(`SHOW TABLES LIKE '${markerTable}'`),
  );
  return rows.map((row) => String(Object.values(row)[0]));
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'labdrill-replica-lag-'));
  cluster = await startDatabaseCluster({ workDir, addresses, adminPassword: password });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('measureReplicaLag on a real primary and replica', () => {
  it('sees every marker on a replica that keeps up, ends once all are seen, and leaves nothing behind', async () => {
    const started = Date.now();
    const result = await measureReplicaLag(options());
    const tookMs = Date.now() - started;
    expect(result.markers.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(result.missing).toBe(0);
    for (const marker of result.markers) {
      expect(marker.seenAt).not.toBeNull();
      expect(marker.lagMs).toBeGreaterThanOrEqual(0);
      expect(marker.lagMs).toBe(Math.max(0, marker.seenAt! - marker.writtenAt));
    }
    expect(result.maxMs).toBeLessThan(1500);
    // The watch ends with the last marker seen: it does not sit out waitMs.
    expect(tookMs).toBeLessThan(5 * 100 + 1500);
    expect(await tablesOnPrimary()).toEqual([]);
  }, 30_000);

  it('reads the replica only while a written marker is unseen, not on every tick between the writes', async () => {
    const pollEveryMs = 10;
    const result = await measureReplicaLag({ ...options(), spacingMs: 300, pollEveryMs });
    expect(result.missing).toBe(0);
    // A marker unseen for lagMs is looked for at most once a tick of that time, plus the look that saw it
    // and one for the tick in which it was pushed. Reading on every tick would take about 4 × 300 / 10.
    const bound = result.markers.reduce((sum, m) => sum + Math.floor(m.lagMs! / pollEveryMs) + 2, 0);
    expect(result.replicaReads).toBeGreaterThanOrEqual(result.markers.length);
    expect(result.replicaReads).toBeLessThanOrEqual(bound);
  }, 30_000);

  it("stops writing and watching when the check's signal aborts, rejects with its reason, and removes its rows", async () => {
    const budget = new AbortController();
    const started = Date.now();
    const run = measureReplicaLag({
      ...options(),
      spacingMs: 300,
      note: 'lag-test-aborted',
      signal: budget.signal,
    });
    setTimeout(() => budget.abort(new Error('ran past its budget')), 400);
    await expect(run).rejects.toThrow('ran past its budget');
    // Five markers 300 ms apart and a 1.5 s wait would take about 2.7 s.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await tablesOnPrimary()).toEqual([]);
  }, 30_000);

  it("writes its first marker (and makes the table) only under the table's lock, which a finishing run drops it under", async () => {
    // Another run's moment with the table: the lock held from a session of the test's own.
    const other = await openSqlSession(session(cluster.endpoints().writer));
    try {
      const [held] = await other.select('SELECT GET_LOCK(?, 0) AS taken', [markerTable]);
      expect(Number(held?.taken)).toBe(1);
      const waiting = measureReplicaLag({ ...options(), note: 'lag-test-waits' });
      await new Promise((resolve) => setTimeout(resolve, 400));
      // Nothing written while the lock is held: the table is not even made.
      expect(await tablesOnPrimary()).toEqual([]);
      await other.select('SELECT RELEASE_LOCK(?) AS released', [markerTable]);
      const result = await waiting;
      expect(result.missing).toBe(0);
      expect(result.markers.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await other.close();
    }
    expect(await tablesOnPrimary()).toEqual([]);
  }, 30_000);

  it('keeps every marker of runs that start while others finish on one database, and leaves no table', async () => {
    const runs = await Promise.all(
      [0, 1, 2, 3].map(async (index) => {
        // Each starts about when the one before it finishes its writes and cleans up.
        await new Promise((resolve) => setTimeout(resolve, index * 450));
        return measureReplicaLag({ ...options(), note: `lag-test-overlap-${index}` });
      }),
    );
    expect(runs.map((run) => run.missing)).toEqual([0, 0, 0, 0]);
    expect(await tablesOnPrimary()).toEqual([]);
  }, 30_000);

  it('counts every marker missing on a stopped replica, and stops watching waitMs after the last write', async () => {
    await cluster.stopReplication();
    try {
      const started = Date.now();
      const result = await measureReplicaLag(options());
      const tookMs = Date.now() - started;
      expect(result.markers).toHaveLength(5);
      expect(result.missing).toBe(5);
      expect(result.markers.every((m) => m.seenAt === null && m.lagMs === null)).toBe(true);
      expect(result.p50Ms).toBeNull();
      // Four gaps between the writes, then waitMs; the table never reached the replica (ER_NO_SUCH_TABLE).
      expect(tookMs).toBeGreaterThanOrEqual(4 * 100 + 1500);
      expect(tookMs).toBeLessThan(4 * 100 + 1500 + 3000);
      expect(await tablesOnPrimary()).toEqual([]);
    } finally {
      await cluster.startReplication();
    }
  }, 30_000);
});
