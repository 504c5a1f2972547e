import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ServingAnswer,
  servingGaps,
  startServingPoller,
} from '../../../probes/asgObservation/albServing.ts';
import { labPage } from '../../loadgen/localTargets.ts';

const answer = (atMs: number, status: number | null, ms = 5): ServingAnswer => ({
  atMs,
  ms,
  status,
  error: status === null ? 'connect' : null,
  instanceId: null,
});

describe('servingGaps', () => {
  it('measures the error window and the longest stretch without a served answer', () => {
    const answers = [
      answer(900, 200),
      answer(1000, 200),
      answer(1250, 502),
      answer(1500, null, 100),
      answer(1750, 200),
      answer(2000, 504, 50),
      answer(2250, 200),
    ];
    const gaps = servingGaps(answers, 1000);
    expect(gaps).toMatchObject({
      requests: 6,
      served: 3,
      errors: 3,
      firstErrorAtMs: 1250,
      lastErrorAtMs: 2000,
    });
    expect(gaps.errorWindowMs).toBe(2050 - 1250);
    expect(gaps.longestOutageMs).toBe(750);
  });

  it('counts an outage still going at the end', () => {
    const gaps = servingGaps([answer(0, 200), answer(100, 503), answer(5000, 503, 20)], 0);
    expect(gaps.longestOutageMs).toBe(5020);
  });

  it('reports no errors as a zero window', () => {
    expect(servingGaps([answer(0, 200), answer(10, 200)], 0)).toMatchObject({ errors: 0, errorWindowMs: 0 });
  });
});

describe('the ALB serving poller', () => {
  let server: http.Server;
  let url: string;
  let requests = 0;
  let failing = false;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      if (failing) res.writeHead(502).end('bad gateway');
      else res.writeHead(200, { 'content-type': 'text/html' }).end(labPage('i-0aaaaaaaaaaaaaaa1'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('stops by itself at its request cap and reads the serving instance', async () => {
    requests = 0;
    const poller = startServingPoller({
      url,
      http: { timeoutMs: 1000, retries: 0, maxBodyBytes: 64 * 1024 },
      everyMs: 5,
      maxRequests: 12,
      maxDurationMs: 10_000,
    });
    const answers = await poller.done;
    expect(answers).toHaveLength(12);
    expect(requests).toBe(12);
    expect(answers.every((a) => a.instanceId === 'i-0aaaaaaaaaaaaaaa1')).toBe(true);
  });

  it('counts 5xx answers as errors while the backend fails', async () => {
    const from = Date.now();
    const poller = startServingPoller({
      url,
      http: { timeoutMs: 1000, retries: 0, maxBodyBytes: 64 * 1024 },
      everyMs: 10,
      maxRequests: 1000,
      maxDurationMs: 5_000,
    });
    await new Promise((r) => setTimeout(r, 150));
    failing = true;
    await new Promise((r) => setTimeout(r, 150));
    failing = false;
    await new Promise((r) => setTimeout(r, 150));
    const answers = await poller.stop();
    const gaps = servingGaps(answers, from);
    expect(gaps.errors).toBeGreaterThan(0);
    expect(gaps.served).toBeGreaterThan(0);
    expect(answers.some((a) => a.status === 502)).toBe(true);
  });
});
