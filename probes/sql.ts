// SQL probe on mysql2: one connection per session, to an address resolved afresh for each connection (as a
// client honouring the endpoint's 5 s TTL would), with a deadline on the connect and on every query, so a
// server that hangs can never hang labdrill (AWS's FIS workshop saw a client without a read timeout hang
// after a failover). The password comes from the environment and never leaves this module: it is scrubbed
// from every error text.
import { isIP } from 'node:net';
import mysql, { type Connection, type QueryError, type ResultSetHeader, type RowDataPacket } from 'mysql2';
import type { Stack } from '../config/schema.ts';
import { resolveName, resolveWithSystem } from './dns.ts';
import { formatHostPort } from './hostPort.ts';

export interface SqlEndpoint {
  /** DNS name or IP address of the server. */
  host: string;
  port: number;
  /** Resolver "HOST:PORT" for the name (labdrill's own DNS probe, no OS cache); the system's when absent. */
  resolver?: string;
}

export interface SqlCredentials {
  user: string;
  /** Never logged, never in an error message or in evidence. */
  password: string;
  database: string;
}

export interface SqlTimeouts {
  /** TCP connect and MySQL handshake together. */
  connectTimeoutMs: number;
  /** Each query, from sending it to the last row. */
  queryTimeoutMs: number;
  /** Each DNS question; connectTimeoutMs unless set. */
  dnsTimeoutMs?: number;
}

export interface SqlSessionOptions extends SqlTimeouts {
  endpoint: SqlEndpoint;
  credentials: SqlCredentials;
}

export type SqlProbeErrorKind = 'dns' | 'connect' | 'timeout' | 'auth' | 'query' | 'closed';

export class SqlProbeError extends Error {
  override readonly name = 'SqlProbeError';
  constructor(
    readonly kind: SqlProbeErrorKind,
    message: string,
    /** "IP:PORT" the session talked to, or null when it never got an address. */
    readonly address: string | null,
    /** The MySQL or Node error code, e.g. ER_OPTION_PREVENTS_STATEMENT, ECONNREFUSED. */
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

export type SqlRows = RowDataPacket[];

export interface SqlSession {
  /** The address the connection went to (the name resolved when the session opened). */
  readonly address: string;
  readonly port: number;
  /** Rows of a SELECT. */
  select(sql: string, values?: readonly unknown[]): Promise<SqlRows>;
  /** An INSERT/UPDATE/DDL; resolves once the server acknowledged it. */
  execute(sql: string, values?: readonly unknown[]): Promise<ResultSetHeader>;
  /** Ends the connection; never throws, never waits longer than a moment. */
  close(): Promise<void>;
}

const MAX_ERROR_CHARS = 300;
/** A query's answer larger than this many rows is cut: probes ask for a handful. */
const MAX_ROWS = 10_000;

/** Removes every occurrence of `secret` from `text` (and cuts it to one bounded line). */
export function scrubSecret(text: string, secret: string | undefined): string {
  let line = (text.split('\n')[0] ?? '').trim();
  if (secret && secret.length > 0) line = line.split(secret).join('[password]');
  return line.length > MAX_ERROR_CHARS ? `${line.slice(0, MAX_ERROR_CHARS)}…` : line;
}

/** The endpoint's host as an address: itself when it is one, else a fresh DNS answer (first address). */
export async function resolveSqlHost(endpoint: SqlEndpoint, timeoutMs: number): Promise<string> {
  if (isIP(endpoint.host) !== 0) return endpoint.host;
  let addresses: string[];
  let rcode: string;
  try {
    const answer = endpoint.resolver
      ? await resolveName(endpoint.host, { resolver: endpoint.resolver, timeoutMs, retries: 1 })
      : await resolveWithSystem(endpoint.host, timeoutMs, { retries: 1 });
    addresses = answer.addresses;
    rcode = answer.rcode;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new SqlProbeError('dns', `cannot resolve ${endpoint.host}: ${text}`, null, undefined);
  }
  const first = addresses[0];
  if (first === undefined) {
    throw new SqlProbeError('dns', `${endpoint.host} does not resolve (${rcode})`, null, rcode);
  }
  return first;
}

function kindOf(error: QueryError | NodeJS.ErrnoException): SqlProbeErrorKind {
  const code = error.code ?? '';
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR') return 'auth';
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE') return 'closed';
  if ((error as QueryError).fatal && /^E[A-Z]+$/.test(code)) return 'connect';
  return 'query';
}

/**
 * Opens a session: resolves the endpoint afresh, connects and logs in, all within connectTimeoutMs
 * (plus the DNS question). Errors are SqlProbeErrors whose text never holds the password.
 */
export async function openSqlSession(options: SqlSessionOptions): Promise<SqlSession> {
  const { endpoint, credentials } = options;
  const secret = credentials.password;
  const host = await resolveSqlHost(endpoint, options.dnsTimeoutMs ?? options.connectTimeoutMs);
  const address = formatHostPort(host, endpoint.port);
  const connection: Connection = mysql.createConnection({
    host,
    port: endpoint.port,
    user: credentials.user,
    password: credentials.password,
    database: credentials.database,
    // Our own deadline below covers connect and handshake; mysql2's is only a backstop.
    connectTimeout: options.connectTimeoutMs + 1000,
    // Rows as plain values; no type surprises from dates in analysis code.
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: false,
    multipleStatements: false,
    // No prepared statements here: mysql2 otherwise sizes a 16,000-slot statement cache for every
    // connection, which costs more than a short session's whole query.
    maxPreparedStatements: 1,
  });
  // Errors after a deadline (or after the server went away) must not become uncaught exceptions.
  connection.on('error', () => {});
  let closed = false;
  const destroy = () => {
    closed = true;
    connection.destroy();
  };

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      destroy();
      reject(
        new SqlProbeError(
          'timeout',
          `no MySQL handshake from ${address} within ${options.connectTimeoutMs} ms`,
          address,
          'ETIMEDOUT',
        ),
      );
    }, options.connectTimeoutMs);
    connection.connect((error) => {
      clearTimeout(timer);
      if (!error) return resolve();
      destroy();
      const kind = error.code === 'ETIMEDOUT' ? 'timeout' : kindOf(error) === 'auth' ? 'auth' : 'connect';
      reject(
        new SqlProbeError(
          kind,
          `cannot connect to MySQL at ${address}: ${scrubSecret(error.message || error.code || 'error', secret)}`,
          address,
          error.code,
        ),
      );
    });
  });

  const run = <T>(sql: string, values: readonly unknown[] | undefined): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) {
        reject(new SqlProbeError('closed', `the connection to ${address} is closed`, address, undefined));
        return;
      }
      const timer = setTimeout(() => {
        destroy();
        reject(
          new SqlProbeError(
            'timeout',
            `no answer from ${address} within ${options.queryTimeoutMs} ms`,
            address,
            'ETIMEDOUT',
          ),
        );
      }, options.queryTimeoutMs);
      connection.query({ sql, values: values ? [...values] : [] }, (error, result) => {
        clearTimeout(timer);
        if (error) {
          if (error.fatal) destroy();
          reject(
            new SqlProbeError(
              kindOf(error),
              `${address}: ${scrubSecret(error.message || error.code || 'error', secret)}`,
              address,
              error.code,
            ),
          );
          return;
        }
        resolve(result as T);
      });
    });

  return {
    address: host,
    port: endpoint.port,
    async select(sql, values) {
      const rows = await run<SqlRows>(sql, values);
      return Array.isArray(rows) ? rows.slice(0, MAX_ROWS) : [];
    },
    execute: (sql, values) => run<ResultSetHeader>(sql, values),
    async close() {
      if (closed) return;
      closed = true;
      // end() says goodbye politely; a server that does not answer gets the socket destroyed.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          connection.destroy();
          resolve();
        }, 500);
        connection.end(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** Opens a session, runs `use`, closes the session whatever happened. */
export async function withSqlSession<T>(
  options: SqlSessionOptions,
  use: (session: SqlSession) => Promise<T>,
): Promise<T> {
  const session = await openSqlSession(options);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

export interface SqlAccess {
  /** The writer: rds.sql.host/port, else the instance endpoint name and port. */
  primary: SqlEndpoint;
  /** The read replica, when known. */
  replica: SqlEndpoint | null;
  credentials: SqlCredentials;
}

export interface SqlEndpointNames {
  /** The instance's endpoint (DescribeDBInstances Endpoint.Address / Port), when known. */
  primary?: { address: string; port: number };
  replica?: { address: string; port: number };
}

/**
 * The SQL access a stack file describes: overrides (rds.sql.host/port, replicaHost/replicaPort) first, then
 * the endpoint names from AWS. The password is read from the variable rds.sql.passwordEnv names. A string
 * says what is missing.
 */
export function sqlAccessFor(
  stack: Stack,
  names: SqlEndpointNames,
  env: NodeJS.ProcessEnv = process.env,
): SqlAccess | string {
  const sql = stack.rds?.sql;
  if (!sql) return 'rds.sql is not set in the stack file';
  const login = sqlLoginFor(stack, env);
  if (typeof login === 'string') return login;
  const { resolver } = login;
  const withResolver = (host: string, port: number): SqlEndpoint => ({
    host,
    port,
    ...(resolver ? { resolver } : {}),
  });
  const primaryHost = sql.host ?? names.primary?.address;
  if (!primaryHost) return 'neither rds.sql.host nor the endpoint of rds.instance is known';
  const primaryPort = sql.port ?? names.primary?.port ?? 3306;
  const replicaHost = sql.replicaHost ?? names.replica?.address;
  // Without a host override, rds.sql.port is the port the servers listen on; with one, the tunnel's port.
  const replicaPort =
    sql.replicaPort ?? (sql.host ? undefined : sql.port) ?? names.replica?.port ?? sql.port ?? 3306;
  return {
    primary: withResolver(primaryHost, primaryPort),
    replica: replicaHost ? withResolver(replicaHost, replicaPort) : null,
    credentials: login.credentials,
  };
}

/** The stack file's credentials and resolver for the database (rds.sql), or why there are none. */
export function sqlLoginFor(
  stack: Stack,
  env: NodeJS.ProcessEnv = process.env,
): { credentials: SqlCredentials; resolver?: string } | string {
  const sql = stack.rds?.sql;
  if (!sql) return 'rds.sql is not set in the stack file';
  const password = env[sql.passwordEnv];
  if (password === undefined || password === '') {
    return `the environment variable ${sql.passwordEnv} (rds.sql.passwordEnv) is not set`;
  }
  const resolver = stack.rds?.resolver ?? stack.dns?.resolver;
  return {
    credentials: { user: sql.user, password, database: sql.database },
    ...(resolver ? { resolver } : {}),
  };
}
