import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpProber,
  HttpProbeError,
  httpGet,
  MAX_HEADER_VALUE_CHARS,
  MAX_HEADERS,
} from '../../probes/http.ts';

const bigBody = 'a'.repeat(100_000);
const sockets = new Set<net.Socket>();
const servers: net.Server[] = [];
let appConnections = 0;
let flakyConnections = 0;

function track(server: net.Server): net.Server {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  servers.push(server);
  return server;
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const app = track(
  http.createServer((req, res) => {
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'text/plain', 'x-cache': 'Hit from cloudfront' });
        res.end('hello world');
        return;
      case '/forbidden':
        res.writeHead(403, {
          'content-type': 'text/html; charset=utf-8',
          'x-amz-error-code': 'AccessDenied',
        });
        res.end('<html>\n<head><title>403 Forbidden</title></head>\n</html>');
        return;
      case '/unavailable':
        res.writeHead(503);
        res.end('busy');
        return;
      case '/big':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(bigBody);
        return;
      case '/utf8':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('가나다'); // 3 bytes per character
        return;
      case '/redirect':
        res.writeHead(302, { location: '/ok' });
        res.end();
        return;
      case '/many-headers': {
        const headers: Record<string, string> = { 'x-long': 'v'.repeat(5000) };
        for (let i = 0; i < 150; i++) headers[`x-h${i}`] = String(i);
        res.writeHead(200, headers);
        res.end('ok');
        return;
      }
      case '/stalled-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('partial'); // and never the rest
        return;
      case '/trickle': {
        // One byte every 50 ms for at most 10 s: never idle long enough for an idle timeout to fire.
        res.writeHead(200, { 'content-type': 'text/plain' });
        let sent = 0;
        const timer = setInterval(() => {
          if (++sent > 200 || res.destroyed) {
            clearInterval(timer);
            res.end();
          } else res.write('x');
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      default:
        res.writeHead(404);
        res.end('not found');
    }
  }),
);
app.on('connection', () => appConnections++);

// Accepts connections and never answers.
const hanging = track(net.createServer(() => {}));
// Accepts and closes at once.
const resetting = track(net.createServer((socket) => socket.destroy()));
// Closes the first two connections, answers the third.
const flaky = track(
  net.createServer((socket) => {
    flakyConnections++;
    if (flakyConnections <= 2) {
      socket.destroy();
      return;
    }
    socket.once('data', () =>
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok'),
    );
  }),
);
// Answers with something that is not HTTP.
const garbled = track(
  net.createServer((socket) => {
    socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
  }),
);

let appUrl: string;
let hangingUrl: string;
let resettingUrl: string;
let flakyUrl: string;
let garbledUrl: string;
let refusedUrl: string;
let appPort: number;

beforeAll(async () => {
  appPort = await listen(app);
  appUrl = `http://127.0.0.1:${appPort}`;
  hangingUrl = `http://127.0.0.1:${await listen(hanging)}/`;
  resettingUrl = `http://127.0.0.1:${await listen(resetting)}/`;
  flakyUrl = `http://127.0.0.1:${await listen(flaky)}/`;
  garbledUrl = `http://127.0.0.1:${await listen(garbled)}/`;
  // A port that was just free: nothing listens there, so connecting is refused.
  const probe = net.createServer();
  const freePort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  refusedUrl = `http://127.0.0.1:${freePort}/`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

const options = { timeoutMs: 2000, retries: 2, maxBodyBytes: 64 * 1024 };

async function failure(promise: Promise<unknown>): Promise<HttpProbeError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpProbeError);
  return error as HttpProbeError;
}

describe('httpGet', () => {
  it('returns a 200 with its body, headers and timings', async () => {
    const sample = await httpGet(`${appUrl}/ok`, options);
    expect(sample.status).toBe(200);
    expect(sample.url).toBe(`${appUrl}/ok`);
    expect(sample.method).toBe('GET');
    expect(sample.body).toBe('hello world');
    expect(sample.bodyBytes).toBe(11);
    expect(sample.truncated).toBe(false);
    expect(sample.headers['content-type']).toBe('text/plain');
    expect(sample.headers['x-cache']).toBe('Hit from cloudfront');
    expect(sample.attempts).toBe(1);
    expect(sample.remoteAddress).toBe('127.0.0.1');
    expect(Number.isNaN(Date.parse(sample.startedAt))).toBe(false);
    const { dnsMs, connectMs, ttfbMs, totalMs } = sample.timings;
    expect(dnsMs).toBe(0); // an IP-address host needs no lookup
    expect(connectMs).toBeGreaterThanOrEqual(0);
    expect(ttfbMs).toBeGreaterThanOrEqual(0);
    expect(ttfbMs).toBeLessThanOrEqual(totalMs);
  });

  it('times the DNS lookup of a host name', async () => {
    const sample = await httpGet(`http://localhost:${appPort}/ok`, options);
    expect(sample.status).toBe(200);
    expect(sample.timings.dnsMs).not.toBeNull();
    expect(sample.timings.dnsMs!).toBeGreaterThanOrEqual(0);
    expect(sample.timings.connectMs!).toBeGreaterThanOrEqual(0);
  });

  it('returns HTTP errors as results, without retrying', async () => {
    const forbidden = await httpGet(`${appUrl}/forbidden`, options);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers['x-amz-error-code']).toBe('AccessDenied');
    expect(forbidden.body).toContain('403 Forbidden');
    expect(forbidden.attempts).toBe(1);
    const unavailable = await httpGet(`${appUrl}/unavailable`, options);
    expect(unavailable.status).toBe(503);
    expect(unavailable.attempts).toBe(1);
  });

  it('does not follow redirects', async () => {
    const sample = await httpGet(`${appUrl}/redirect`, options);
    expect(sample.status).toBe(302);
    expect(sample.headers.location).toBe('/ok');
  });

  it('truncates the body at maxBodyBytes', async () => {
    const sample = await httpGet(`${appUrl}/big`, { ...options, maxBodyBytes: 1000 });
    expect(sample.status).toBe(200);
    expect(sample.truncated).toBe(true);
    expect(sample.bodyBytes).toBe(1000);
    expect(sample.body).toBe('a'.repeat(1000));
    const whole = await httpGet(`${appUrl}/big`, { ...options, maxBodyBytes: bigBody.length });
    expect(whole.truncated).toBe(false);
    expect(whole.body.length).toBe(bigBody.length);
  });

  it('does not split a UTF-8 character at the cut', async () => {
    const sample = await httpGet(`${appUrl}/utf8`, { ...options, maxBodyBytes: 5 });
    expect(sample.truncated).toBe(true);
    expect(sample.body).toBe('가');
  });

  it('bounds the number and size of headers', async () => {
    const sample = await httpGet(`${appUrl}/many-headers`, options);
    expect(Object.keys(sample.headers).length).toBeLessThanOrEqual(MAX_HEADERS);
    expect(sample.headers['x-long']).toBe('v'.repeat(MAX_HEADER_VALUE_CHARS));
  });

  it('sends HEAD', async () => {
    const sample = await httpGet(`${appUrl}/ok`, { ...options, method: 'HEAD' });
    expect(sample.method).toBe('HEAD');
    expect(sample.status).toBe(200);
    expect(sample.body).toBe('');
    expect(sample.bodyBytes).toBe(0);
  });

  it('times out on a server that accepts and never answers', async () => {
    const started = performance.now();
    const error = await failure(httpGet(hangingUrl, { ...options, timeoutMs: 300, retries: 1 }));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('timeout');
    expect(error.url).toBe(hangingUrl);
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(`no response from ${hangingUrl} within 300 ms (2 attempts)`);
    // The deadline holds per attempt: two attempts of 300 ms plus one backoff of at most 500 ms.
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(3000);
  });

  it('times out when the body stalls after the headers', async () => {
    const error = await failure(
      httpGet(`${appUrl}/stalled-body`, { ...options, timeoutMs: 300, retries: 0 }),
    );
    expect(error.kind).toBe('timeout');
    expect(error.attempts).toBe(1);
  });

  it('keeps the deadline over a body that trickles in without ever going idle', async () => {
    const started = performance.now();
    const error = await failure(httpGet(`${appUrl}/trickle`, { ...options, timeoutMs: 500, retries: 0 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`no response from ${appUrl}/trickle within 500 ms`);
    // The body would take 10 s; the deadline ends the attempt long before.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('reports a refused connection after the retries', async () => {
    const error = await failure(httpGet(refusedUrl, { ...options, retries: 2 }));
    expect(error.kind).toBe('connect');
    expect(error.attempts).toBe(3);
    expect(error.message).toMatch(/could not connect to 127\.0\.0\.1:\d+ .*ECONNREFUSED.*\(3 attempts\)/);
  });

  it('reports a reset connection after the retries', async () => {
    const error = await failure(httpGet(resettingUrl, { ...options, retries: 1 }));
    expect(error.kind).toBe('reset');
    expect(error.attempts).toBe(2);
  });

  it('retries transport errors and counts the attempts', async () => {
    flakyConnections = 0;
    const sample = await httpGet(flakyUrl, { ...options, retries: 3 });
    expect(sample.status).toBe(200);
    expect(sample.body).toBe('ok');
    expect(sample.attempts).toBe(3);
    expect(flakyConnections).toBe(3);
  });

  it('does not retry a protocol error', async () => {
    const error = await failure(httpGet(garbledUrl, { ...options, retries: 2 }));
    expect(error.kind).toBe('protocol');
    expect(error.attempts).toBe(1);
  });

  it('rejects URLs it cannot probe', async () => {
    expect((await failure(httpGet('ftp://127.0.0.1/', options))).kind).toBe('other');
    expect((await failure(httpGet('not a url', options))).kind).toBe('other');
    await expect(httpGet(`${appUrl}/ok`, { ...options, timeoutMs: 0 })).rejects.toThrow(RangeError);
  });
});

describe('createHttpProber', () => {
  it('keeps the connection alive: later requests report no DNS or connect time', async () => {
    const prober = createHttpProber(options);
    try {
      const before = appConnections;
      const first = await prober.get(`${appUrl}/ok`);
      const second = await prober.get(`${appUrl}/forbidden`);
      const third = await prober.get(`${appUrl}/ok`, { method: 'HEAD' });
      expect(appConnections - before).toBe(1);
      expect(first.timings.connectMs).not.toBeNull();
      expect(second.timings.dnsMs).toBeNull();
      expect(second.timings.connectMs).toBeNull();
      expect(second.status).toBe(403);
      expect(second.remoteAddress).toBe('127.0.0.1');
      expect(third.method).toBe('HEAD');
      expect(third.timings.connectMs).toBeNull();
    } finally {
      await prober.close();
    }
    await expect(prober.get(`${appUrl}/ok`)).rejects.toThrow(/closed/);
  });

  it('opens a new connection per request with freshConnection', async () => {
    const prober = createHttpProber({ ...options, freshConnection: true });
    try {
      const before = appConnections;
      const samples = [];
      for (let i = 0; i < 3; i++) samples.push(await prober.get(`${appUrl}/ok`));
      expect(appConnections - before).toBe(3);
      for (const s of samples) expect(s.timings.connectMs).not.toBeNull();
    } finally {
      await prober.close();
    }
  });
});
