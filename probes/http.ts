// HTTP probe on undici: one request, never following redirects, with a deadline over the whole exchange
// (connect, headers and body), retries for transport errors only, and per-phase timings.
//
// Timings come from our own connector: it wraps undici's, times the DNS lookup through the `lookup` hook of
// net.connect, and remembers each new connection, so that the request which first uses a connection reports
// its DNS and connect times and later requests on the same connection report null.
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import pRetry, { AbortError } from 'p-retry';
import { buildConnector, Client } from 'undici';
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

interface ConnectionRecord {
  dnsMs: number;
  connectMs: number;
  remoteAddress: string | null;
  /** Set by the first request that reports this connection's timings. */
  claimed: boolean;
}

/** One undici Client (one connection at a time) to one origin, with the record of its newest connection. */
interface OriginClient {
  client: Client;
  latest: ConnectionRecord | null;
}

function openOriginClient(origin: string, timeoutMs: number): OriginClient {
  const entry: OriginClient = { client: undefined as unknown as Client, latest: null };
  const connector: buildConnector.connector = (connectOptions, callback) => {
    const started = performance.now();
    let lookedUpAt: number | null = null;
    // Passes every argument through unchanged (net.connect may ask for one address or for all of them).
    const timedLookup = ((
      hostname: string,
      options: dns.LookupOptions,
      done: (...args: unknown[]) => void,
    ) => {
      dns.lookup(hostname, options, (...args: unknown[]) => {
        lookedUpAt = performance.now();
        done(...args);
      });
    }) as unknown as LookupFunction;
    // A connector per connection, so the lookup hook knows which connection it times.
    buildConnector({ timeout: timeoutMs, lookup: timedLookup })(connectOptions, (error, socket) => {
      if (socket) {
        const connectedAt = performance.now();
        entry.latest = {
          dnsMs: lookedUpAt === null ? 0 : lookedUpAt - started,
          connectMs: connectedAt - (lookedUpAt ?? started),
          remoteAddress: socket.remoteAddress ?? null,
          claimed: false,
        };
        callback(null, socket);
      } else {
        callback(error ?? new Error('connection failed'), null);
      }
    });
  };
  entry.client = new Client(origin, {
    connect: connector,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
    pipelining: 1,
  });
  return entry;
}

function errorCode(error: unknown): string | undefined {
  const direct = (error as { code?: unknown } | null)?.code;
  if (typeof direct === 'string') return direct;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function classify(error: unknown): HttpProbeErrorKind {
  const code = errorCode(error) ?? '';
  if (
    ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'].includes(code)
  ) {
    return 'timeout';
  }
  if (
    ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EHOSTDOWN', 'ENETDOWN'].includes(code)
  ) {
    return 'connect';
  }
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA'].includes(code)) return 'dns';
  if (['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED'].includes(code)) return 'reset';
  const name = (error as Error | null)?.name ?? '';
  if (
    code.startsWith('HPE_') ||
    ['HTTPParserError', 'HeadersOverflowError', 'ResponseContentLengthMismatchError'].includes(name) ||
    [
      'UND_ERR_HTTP_PARSER',
      'UND_ERR_HEADERS_OVERFLOW',
      'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
      'UND_ERR_INFO',
    ].includes(code)
  ) {
    return 'protocol';
  }
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

/** Attempt failure carrying its kind; `cause` is what undici threw. */
class AttemptError extends Error {
  constructor(
    readonly kind: HttpProbeErrorKind,
    readonly original: unknown,
  ) {
    super(kind);
  }
}

/** One attempt: request, headers, body up to the cap, all within the deadline. */
async function attempt(
  entry: OriginClient,
  url: URL,
  options: HttpProbeOptions,
): Promise<Omit<HttpSample, 'attempts'>> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const controller = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('deadline'));
  }, options.timeoutMs);
  const method = options.method ?? 'GET';
  try {
    const response = await entry.client.request({
      path: `${url.pathname}${url.search}`,
      method,
      headers: options.headers,
      signal: controller.signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const ttfbMs = performance.now() - started;
    const connection = entry.latest;
    const firstUse = connection !== null && !connection.claimed;
    if (firstUse) connection.claimed = true;

    const decoder = new StringDecoder('utf8');
    let body = '';
    let bodyBytes = 0;
    let truncated = false;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      const room = options.maxBodyBytes - bodyBytes;
      if (chunk.length > room) {
        if (room > 0) body += decoder.write(chunk.subarray(0, room)); // an incomplete last character is dropped
        bodyBytes += Math.max(room, 0);
        truncated = true;
        break;
      }
      body += decoder.write(chunk);
      bodyBytes += chunk.length;
    }
    if (truncated) response.body.destroy();
    else body += decoder.end();
    const totalMs = performance.now() - started;

    return {
      url: url.href,
      method,
      status: response.statusCode,
      headers: boundedHeaders(response.headers),
      body,
      bodyBytes,
      truncated,
      timings: {
        dnsMs: firstUse ? connection.dnsMs : null,
        connectMs: firstUse ? connection.connectMs : null,
        ttfbMs,
        totalMs,
      },
      remoteAddress: connection?.remoteAddress ?? null,
      startedAt,
    };
  } catch (error) {
    throw new AttemptError(timedOut ? 'timeout' : classify(error), error);
  } finally {
    clearTimeout(deadline);
  }
}

/**
 * A prober that keeps one connection per origin alive between requests (unless freshConnection is set).
 * Requests to the same origin through one prober take turns on that connection.
 */
export function createHttpProber(defaults: HttpProbeOptions): HttpProber {
  checkOptions(defaults);
  const shared = new Map<string, OriginClient>();
  let closed = false;

  const get = async (url: string, overrides: Partial<HttpProbeOptions> = {}): Promise<HttpSample> => {
    if (closed) throw new Error('the HTTP prober is closed');
    const options = { ...defaults, ...overrides };
    checkOptions(options);
    const parsed = parseUrl(url);
    let attempts = 0;
    const runAttempt = async (): Promise<Omit<HttpSample, 'attempts'>> => {
      attempts++;
      let entry = options.freshConnection ? undefined : shared.get(parsed.origin);
      const fresh = entry === undefined && options.freshConnection === true;
      if (entry === undefined) {
        entry = openOriginClient(parsed.origin, options.timeoutMs);
        if (!fresh) shared.set(parsed.origin, entry);
      }
      let answered = false;
      try {
        const sample = await attempt(entry, parsed, options);
        answered = true;
        return sample;
      } catch (error) {
        // Statuses never get here; only transport errors are retried.
        if (error instanceof AttemptError && RETRYABLE.has(error.kind)) throw error;
        throw new AbortError(error as Error);
      } finally {
        // An answered request leaves nothing in flight: close() ends the connection without destroy()'s
        // error object and stack trace, which cost more than the request itself on a loopback twin.
        if (fresh) await (answered ? entry.client.close() : entry.client.destroy()).catch(() => {});
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
  };

  const close = async (): Promise<void> => {
    closed = true;
    const clients = [...shared.values()].map((entry) => entry.client);
    shared.clear();
    await Promise.all(clients.map((client) => client.destroy().catch(() => {})));
  };

  return { get, close };
}

/** One request on a new connection of its own, closed afterwards. */
export async function httpGet(url: string, options: HttpProbeOptions): Promise<HttpSample> {
  const prober = createHttpProber({ ...options, freshConnection: true });
  try {
    return await prober.get(url);
  } finally {
    await prober.close();
  }
}
