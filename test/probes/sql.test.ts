import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../config/schema.ts';
import { type DatabaseCluster, startDatabaseCluster } from '../../fixtures/twin/db/databaseCluster.ts';
import {
  openSqlSession,
  resolveSqlHost,
  type SqlProbeError,
  type SqlSessionOptions,
  scrubSecret,
  sqlAccessFor,
  withSqlSession,
} from '../../probes/sql.ts';
import { executeUndo, type UndoAction, undoActionSchema } from '../../drills/undoActions.ts';
import { ensureHeartbeatTable } from '../../probes/failover/sqlHeartbeat.ts';
import { type DnsTestServer, startDnsTestServer, type ZoneRecord } from './dnsTestServer.ts';

const password = 'Sql-Probe-Secret-42';
const addresses = { primary: '127.0.82.11', standby: '127.0.82.12', replica: '127.0.82.13' };
const endpointName = 'lab-vpc-rds.c0123456789a.ap-northeast-2.rds.amazonaws.com';

let workDir = '';
let cluster: DatabaseCluster;
let dns: DnsTestServer;
const zone: ZoneRecord[] = [{ name: endpointName, type: 'A', data: addresses.primary, ttl: 5 }];
const hung: net.Server[] = [];
const hungSockets: net.Socket[] = [];

function optionsFor(host: string, extra: Partial<SqlSessionOptions> = {}): SqlSessionOptions {
  return {
    endpoint: { host, port: cluster.endpoints().writer.port },
    credentials: { user: 'admin', password, database: 'labvpcrds' },
    connectTimeoutMs: 2000,
    queryTimeoutMs: 3000,
    ...extra,
  };
}

/** A TCP server that accepts connections and never says a word (a hung database). */
async function startHungServer(): Promise<number> {
  const server = net.createServer((socket) => {
    hungSockets.push(socket);
    socket.on('error', () => {});
  });
  hung.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.82.20', resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'labdrill-sql-probe-'));
  [cluster, dns] = await Promise.all([
    startDatabaseCluster({ workDir, addresses, adminPassword: password }),
    startDnsTestServer(zone, {}, { host: '127.0.82.30' }),
  ]);
}, 60_000);

afterAll(async () => {
  for (const socket of hungSockets) socket.destroy();
  await Promise.all(hung.map((server) => new Promise((resolve) => server.close(resolve))));
  await dns?.close();
  await cluster?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the sql.dropTable undo against a real MariaDB', () => {
  it("drops labdrill's heartbeat table through the endpoint name, and dropping it twice is harmless", async () => {
    const resolver = `${dns.host}:${dns.port}`;
    await withSqlSession(optionsFor(addresses.primary), ensureHeartbeatTable);
    const undo: UndoAction = {
      type: 'sql.dropTable',
      table: 'labdrill_heartbeat',
      host: endpointName,
      port: cluster.endpoints().writer.port,
    };
    const clients = { sql: { credentials: { user: 'admin', password, database: 'labvpcrds' }, resolver } };
    expect(await executeUndo(undo, clients)).toBe(
      `dropped labdrill_heartbeat on ${endpointName}:${cluster.endpoints().writer.port}`,
    );
    const left = await withSqlSession(optionsFor(addresses.primary), (session) =>
      session.select("SHOW TABLES LIKE 'labdrill_heartbeat'"),
    );
    expect(left).toEqual([]);
    await executeUndo(undo, clients);
    // Only labdrill's own tables can be named in a journal.
    expect(undoActionSchema.safeParse({ ...undo, table: 'SAMPLE' }).success).toBe(false);
    // Without the stack file's database access the undo says what it needs.
    await expect(executeUndo(undo, {})).rejects.toThrow(/undo sql.dropTable needs the sql client/);
  });
});

describe('SQL probe against a real MariaDB', () => {
  it('connects, reads and writes with the bounded session', async () => {
    const rows = await withSqlSession(optionsFor(addresses.primary), async (session) => {
      await session.execute('CREATE TABLE IF NOT EXISTS labdrill_probe_test (id INT PRIMARY KEY)');
      const inserted = await session.execute('INSERT INTO labdrill_probe_test (id) VALUES (?)', [7]);
      expect(inserted.affectedRows).toBe(1);
      return session.select('SELECT id FROM labdrill_probe_test WHERE id = ?', [7]);
    });
    expect(rows.map((row) => row.id)).toEqual([7]);
  });

  it('resolves the endpoint name through its own resolver for each connection', async () => {
    const resolver = `${dns.host}:${dns.port}`;
    const viaResolver = await openSqlSession({
      ...optionsFor(endpointName),
      endpoint: { host: endpointName, port: cluster.endpoints().writer.port, resolver },
    });
    expect(viaResolver.address).toBe(addresses.primary);
    await viaResolver.close();
    // Moving the record moves the next connection, with no cache in between.
    zone[0] = { name: endpointName, type: 'A', data: addresses.replica, ttl: 5 };
    try {
      const moved = await resolveSqlHost({ host: endpointName, port: 1, resolver }, 1000);
      expect(moved).toBe(addresses.replica);
    } finally {
      zone[0] = { name: endpointName, type: 'A', data: addresses.primary, ttl: 5 };
    }
  }, 20_000);

  it('bounds every query: SELECT SLEEP(5) with a 300 ms read timeout fails as a timeout', async () => {
    const session = await openSqlSession(optionsFor(addresses.primary, { queryTimeoutMs: 300 }));
    const started = performance.now();
    const error = (await session.select('SELECT SLEEP(5)').catch((e: unknown) => e)) as SqlProbeError;
    expect(error.kind).toBe('timeout');
    expect(performance.now() - started).toBeLessThan(3000);
    await session.close();
  });

  it('gives up on a server that accepts TCP and never answers, within the connect timeout', async () => {
    const port = await startHungServer();
    const started = performance.now();
    const error = (await openSqlSession({
      ...optionsFor('127.0.82.20', { connectTimeoutMs: 400 }),
      endpoint: { host: '127.0.82.20', port },
    }).catch((e: unknown) => e)) as SqlProbeError;
    expect(error.name).toBe('SqlProbeError');
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/no MySQL handshake from 127\.0\.82\.20/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('never puts the password in an error message', async () => {
    const wrong = `${password}-wrong`;
    const denied = (await openSqlSession({
      ...optionsFor(addresses.primary),
      credentials: { user: 'admin', password: wrong, database: 'labvpcrds' },
    }).catch((e: unknown) => e)) as SqlProbeError;
    expect(denied.kind).toBe('auth');
    expect(denied.message).not.toContain(wrong);
    expect(denied.message).toMatch(/Access denied/);

    // A syntax error echoes the statement, and with it whatever secret text the statement held.
    const echoed = await withSqlSession<unknown>(optionsFor(addresses.primary), (session) =>
      session.select(`SELEC '${password}'`).catch((e: unknown) => e as SqlProbeError),
    );
    expect((echoed as SqlProbeError).kind).toBe('query');
    expect((echoed as SqlProbeError).message).toContain('[password]');
    expect((echoed as SqlProbeError).message).not.toContain(password);
  });

  it('refuses a read-only server for writes with the server error, not a hang', async () => {
    const error = await withSqlSession<unknown>(optionsFor(addresses.standby), (session) =>
      session
        .execute('INSERT INTO SAMPLE (NAME, ADDRESS) VALUES (?, ?)', ['NO', 'WRITE'])
        .catch((e: unknown) => e as SqlProbeError),
    );
    expect((error as SqlProbeError).kind).toBe('query');
    expect((error as SqlProbeError).message).toMatch(/read-only/);
  });
});

describe('sqlAccessFor', () => {
  const stack = (
    sql: NonNullable<Stack['rds']>['sql'],
    extra: Partial<NonNullable<Stack['rds']>> = {},
  ): Stack => ({
    name: 't',
    rds: { instance: 'lab-vpc-rds', ...(sql ? { sql } : {}), ...extra },
  });
  const sql = { user: 'admin', passwordEnv: 'LAB_DB_PASSWORD', database: 'labvpcrds' };

  it('says what is missing', () => {
    expect(sqlAccessFor(stack(undefined), {}, {})).toBe('rds.sql is not set in the stack file');
    expect(sqlAccessFor(stack(sql), {}, {})).toMatch(/LAB_DB_PASSWORD \(rds.sql.passwordEnv\) is not set/);
    expect(sqlAccessFor(stack(sql), {}, { LAB_DB_PASSWORD: 'x' })).toMatch(/endpoint of rds.instance/);
  });

  it('uses the endpoint names, the resolver and the overrides', () => {
    const names = {
      primary: { address: 'lab-vpc-rds.x.rds.amazonaws.com', port: 3306 },
      replica: { address: 'lab-vpc-rds-rr.x.rds.amazonaws.com', port: 3306 },
    };
    const env = { LAB_DB_PASSWORD: 'pw' };
    const plain = sqlAccessFor(stack({ ...sql, port: 4406 }, { resolver: '127.0.1.4:53' }), names, env);
    expect(plain).toMatchObject({
      primary: { host: names.primary.address, port: 4406, resolver: '127.0.1.4:53' },
      replica: { host: names.replica.address, port: 4406 },
      credentials: { user: 'admin', password: 'pw', database: 'labvpcrds' },
    });
    const tunnel = sqlAccessFor(
      stack({ ...sql, host: '127.0.0.1', port: 13306, replicaHost: '127.0.0.1', replicaPort: 13307 }),
      names,
      env,
    );
    expect(tunnel).toMatchObject({
      primary: { host: '127.0.0.1', port: 13306 },
      replica: { host: '127.0.0.1', port: 13307 },
    });
  });

  it('scrubs a secret from any text', () => {
    expect(scrubSecret('a s3cret b s3cret\nsecond line', 's3cret')).toBe('a [password] b [password]');
  });
});
