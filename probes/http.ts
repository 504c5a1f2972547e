// HTTP probe on Node's own client: one request, never following redirects, with a deadline over the whole
// exchange (connect, headers and body), retries for transport errors only, and per-phase timings from the
// socket's own events (lookup, connect, secureConnect), which a reused keep-alive socket does not emit again.
//
// A fresh connection per request is what the load balancer checks send hundreds of: Node's client opens it,
// asks the server to close it (Connection: close) and lets it end, with no error object or client to tear
// down per request, the part that cost the most of such a request before.
import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import pRetry, { AbortError } from 'p-retry';
import { defaults } from '../config/defaults.ts';

/** Jittered, doubling waits between the attempts of a request (probeRetry in config/defaults.ts). */
const retryBackoff = {
  minTimeout: defaults.probeRetry.minDelayMs,
  maxTimeout: defaults.probeRetry.maxDelayMs,
  factor: 2,
  randomize: true,
};

export interface HttpProbeOptions {
  /** Deadline per attempt, over the whole exchange: connect, headers and body. */
  timeoutMs: number;
  /** Extra attempts after a transport error (timeout, refused, reset); never for HTTP statuses. */
  retries: number;
  /** Body bytes kept; the rest is not read. */
  maxBodyBytes: number;
  method?: 'GET' | 'HEAD';
  headers?: Record<string, string>;
  /** New TCP connection per request, so timings include connect and a load balancer sees distinct connections. */
  freshConnection?: boolean;
}

export interface HttpTimings {
  /** DNS lookup; 0 for an IP-address host; null when the connection was reused. */
  dnsMs: number | null;
  /** TCP connect (and TLS handshake for https); null when the connection was reused. */
  connectMs: number | null;
  /** From the start of the attempt to the response headers. */
  ttfbMs: number;
  /** From the start of the attempt to the end of the body (or to where reading stopped). */
  totalMs: number;
}

export interface HttpSample {
  url: string;
  method: string;
  status: number;
  /** Lower-case names, at most MAX_HEADERS, values at most MAX_HEADER_VALUE_CHARS each. */
  headers: Record<string, string>;
  /** UTF-8 text of the first maxBodyBytes bytes at most. */
  body: string;
  /** Body bytes read (at most maxBodyBytes). */
  bodyBytes: number;
  /** The body was longer than maxBodyBytes. */
  truncated: boolean;
  timings: HttpTimings;
  attempts: number;
  remoteAddress: string | null;
  /** ISO time of the start of the successful attempt. */
  startedAt: string;
}

export type HttpProbeErrorKind = 'timeout' | 'connect' | 'dns' | 'reset' | 'protocol' | 'other';

export class HttpProbeError extends Error {
  override readonly name = 'HttpProbeError';
  constructor(
    readonly kind: HttpProbeErrorKind,
    message: string,
    readonly url: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpProber {
  get(url: string, overrides?: Partial<HttpProbeOptions>): Promise<HttpSample>;
  /** Closes the kept-alive connections. */
  close(): Promise<void>;
}

export const MAX_HEADERS = 100;
export const MAX_HEADER_VALUE_CHARS = 1024;
const RETRYABLE: ReadonlySet<HttpProbeErrorKind> = new Set(['timeout', 'connect', 'reset']);

/** How long a kept-alive connection may sit idle before labdrill closes it. */
const keepAliveIdleMs = 4_000;

/** A kept-alive agent for one origin: one connection, which the prober's requests to it take turns on. */
function keptAliveAgent(protocol: string): http.Agent {
  const options = { keepAlive: true, maxSockets: 1, timeout: keepAliveIdleMs };
  return protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
}

function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function classify(error: unknown): HttpProbeErrorKind {
  const code = errorCode(error) ?? '';
  if (code === 'ETIMEDOUT') return 'timeout';
  if (
    ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN'].includes(code)
  ) {
    return 'connect';
  }
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'].includes(code)) return 'dns';
  if (['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) return 'reset';
  // Node's parser (llhttp) names what it could not read: HPE_INVALID_CONSTANT, HPE_HEADER_OVERFLOW, …
  if (code.startsWith('HPE_')) return 'protocol';
  return 'other';
}

function describeFailure(kind: HttpProbeErrorKind, url: URL, timeoutMs: number, error: unknown): string {
  const code = errorCode(error);
  const detail = code ?? (error as Error | null)?.message ?? String(error);
  switch (kind) {
    case 'timeout':
      return `no response from ${url.href} within ${timeoutMs} ms`;
    case 'connect':
      return `could not connect to ${url.host} for ${url.href} (${detail})`;
    case 'dns':
      return `could not resolve ${url.hostname} for ${url.href} (${detail})`;
    case 'reset':
      return `connection to ${url.host} closed or reset before the response to ${url.href} was complete (${detail})`;
    case 'protocol':
      return `malformed HTTP response from ${url.href}: ${(error as Error | null)?.message ?? detail}`;
    default:
      return `request to ${url.href} failed: ${(error as Error | null)?.message ?? detail}`;
  }
}

function boundedHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (++count > MAX_HEADERS) break;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    headers[name.toLowerCase()] = joined.slice(0, MAX_HEADER_VALUE_CHARS);
  }
  return headers;
}

function checkOptions(options: HttpProbeOptions): void {
  if (!(options.timeoutMs > 0 && Number.isFinite(options.timeoutMs))) {
    throw new RangeError(`timeoutMs must be a positive number, got ${options.timeoutMs}`);
  }
  if (!(Number.isInteger(options.retries) && options.retries >= 0)) {
    throw new RangeError(`retries must be a non-negative integer, got ${options.retries}`);
  }
  if (!(Number.isInteger(options.maxBodyBytes) && options.maxBodyBytes >= 0)) {
    throw new RangeError(`maxBodyBytes must be a non-negative integer, got ${options.maxBodyBytes}`);
  }
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HttpProbeError('other', `not a valid URL: ${JSON.stringify(url.slice(0, 300))}`, url, 0);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new HttpProbeError(
      'other',
      `only http and https URLs can be probed, got ${parsed.protocol}`,
      url,
      0,
    );
  }
  return parsed;
}

/** Attempt failure carrying its kind; `original` is what Node's client threw. */
class AttemptError extends Error {
  constructor(
    readonly kind: HttpProbeErrorKind,
    readonly original: unknown,
  ) {
    super(kind);
  }
}

/** One attempt: request, headers, body up to the cap, all within the deadline. */
function attempt(
  agent: http.Agent | null,
  url: URL,
  options: HttpProbeOptions,
): Promise<Omit<HttpSample, 'attempts'>> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const method = options.method ?? 'GET';
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    let connection: { dnsMs: number; connectMs: number } | null = null;
    let remoteAddress: string | null = null;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      reject(new AttemptError(timedOut ? 'timeout' : classify(error), error));
    };
    const request = (secure ? https : http).request(url, {
      method,
      ...(agent
        ? { agent }
        : {
            createConnection: (connectOptions: http.ClientRequestArgs) =>
              net.createConnection(connectOptions as net.NetConnectOpts),
          }),
      ...(options.headers ? { headers: options.headers } : {}),
    });
    const deadline = setTimeout(() => {
      timedOut = true;
      request.destroy(new Error('deadline'));
    }, options.timeoutMs);
    request.once('error', fail);
    request.once('socket', (socket: Socket) => {
      remoteAddress = socket.remoteAddress ?? null;
      // A reused keep-alive socket was looked up and connected for an earlier request: nothing to time.
      if (request.reusedSocket) return;
      let lookedUpAt: number | null = null;
      socket.once('lookup', () => {
        lookedUpAt = performance.now();
      });
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        const connectedAt = performance.now();
        connection = {
          dnsMs: lookedUpAt === null ? 0 : lookedUpAt - started,
          connectMs: connectedAt - (lookedUpAt ?? started),
        };
        remoteAddress = socket.remoteAddress ?? null;
      });
    });
    request.once('response', (response: http.IncomingMessage) => {
      const ttfbMs = performance.now() - started;
      const decoder = new StringDecoder('utf8');
      let body = '';
      let bodyBytes = 0;
      let truncated = false;
      const finish = () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({
          url: url.href,
          method,
          status: response.statusCode ?? 0,
          headers: boundedHeaders(response.headers),
          body,
          bodyBytes,
          truncated,
          timings: {
            dnsMs: connection?.dnsMs ?? null,
            connectMs: connection?.connectMs ?? null,
            ttfbMs,
            totalMs: performance.now() - started,
          },
          remoteAddress,
          startedAt,
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxBodyBytes - bodyBytes;
        if (chunk.length > room) {
          if (room > 0) body += decoder.write(chunk.subarray(0, room)); // an incomplete last character is dropped
          bodyBytes += Math.max(room, 0);
          truncated = true;
          finish();
          // The rest is not read: the connection goes with it.
          response.destroy();
          return;
        }
        body += decoder.write(chunk);
        bodyBytes += chunk.length;
      });
      response.once('end', () => {
        body += decoder.end();
        finish();
      });
      response.once('error', fail);
      // The connection ended before the body did (a cut Content-Length, a reset).
      response.once('close', () => {
        if (!settled)
          fail(
            Object.assign(new Error('the connection closed before the body was complete'), {
              code: 'ECONNRESET',
            }),
          );
      });
    });
    request.end();
  });
}

/**
 * How a fresh connection is made: plain HTTP with no agent at all (a connection of its own, Connection:
 * close, nothing to keep track of); https through an agent that keeps nothing and resumes no TLS session,
 * since a fresh connection is a full handshake.
 */
const freshHttpsAgent = new https.Agent({ keepAlive: false, maxCachedSessions: 0 });
const freshConnectionAgent = (url: URL): http.Agent | null =>
  url.protocol === 'https:' ? freshHttpsAgent : null;

/** One request with its retries, on the connection `agentFor` gives (null: a connection of its own). */
async function probeWithRetries(
  url: string,
  options: HttpProbeOptions,
  agentFor: (url: URL) => http.Agent | null,
): Promise<HttpSample> {
  checkOptions(options);
  const parsed = parseUrl(url);
  let attempts = 0;
  const runAttempt = async (): Promise<Omit<HttpSample, 'attempts'>> => {
    attempts++;
    try {
      return await attempt(agentFor(parsed), parsed, options);
    } catch (error) {
      // Statuses never get here; only transport errors are retried.
      if (error instanceof AttemptError && RETRYABLE.has(error.kind)) throw error;
      throw new AbortError(error as Error);
    }
  };
  try {
    const sample = await pRetry(runAttempt, {
      retries: options.retries,
      ...retryBackoff,
    });
    return { ...sample, attempts };
  } catch (error) {
    const kind = error instanceof AttemptError ? error.kind : 'other';
    const original = error instanceof AttemptError ? error.original : error;
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    const message = describeFailure(kind, parsed, options.timeoutMs, original) + tries;
    throw new HttpProbeError(kind, message, parsed.href, attempts, { cause: original });
  }
}

/**
 * A prober that keeps one connection per origin alive between requests (unless freshConnection is set).
 * Requests to the same origin through one prober take turns on that connection.
 */
export function createHttpProber(defaults: HttpProbeOptions): HttpProber {
  checkOptions(defaults);
  const kept = new Map<string, http.Agent>();
  let closed = false;

  const keptAgent = (url: URL): http.Agent => {
    let agent = kept.get(url.origin);
    if (!agent) {
      agent = keptAliveAgent(url.protocol);
      kept.set(url.origin, agent);
    }
    return agent;
  };

  const get = async (url: string, overrides: Partial<HttpProbeOptions> = {}): Promise<HttpSample> => {
    if (closed) throw new Error('the HTTP prober is closed');
    const options = { ...defaults, ...overrides };
    return probeWithRetries(url, options, options.freshConnection ? freshConnectionAgent : keptAgent);
  };

  const close = async (): Promise<void> => {
    closed = true;
    for (const agent of kept.values()) agent.destroy();
    kept.clear();
  };

  return { get, close };
}

/** One request on a new connection of its own, closed afterwards. */
export function httpGet(url: string, options: HttpProbeOptions): Promise<HttpSample> {
  return probeWithRetries(url, { ...options, freshConnection: true }, freshConnectionAgent);
}
