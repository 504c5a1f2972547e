import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  servingGaps,
  servingProblems,
  startServingPoller,
} from '../../../probes/asgObservation/albServing.ts';
import { labPage } from '../../loadgen/localTargets.ts';
import { servingAnswer } from './awsShapedData.ts';

const answer = (atMs: number, status: number | null, ms = 5) => servingAnswer(atMs, status, { ms });

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

  it('counts a 200 that was not served (a database error on the page) as an error', () => {
    const dbError = { ...answer(100, 200), served: false, problem: 'Failed to connect to MySQL: refused' };
    const gaps = servingGaps([answer(0, 200), dbError, answer(5000, 200)], 0);
    expect(gaps).toMatchObject({ requests: 3, served: 2, errors: 1, firstErrorAtMs: 100 });
    expect(gaps.longestOutageMs).toBe(5000);
  });
});

describe('servingProblems', () => {
  it('counts the reasons answers were not served, most frequent first, at most the limit', () => {
    const answers = [answer(0, 200), answer(1, 502), answer(2, null), answer(3, 502), answer(4, 503)];
    expect(servingProblems(answers, 2)).toEqual([
      { problem: 'HTTP 502', count: 2 },
      { problem: 'no HTTP answer (connect)', count: 1 },
    ]);
  });
});

describe('the ALB serving poller', () => {
  let server: http.Server;
  let url: string;
  let requests = 0;
  let failing = false;
  let dbDown = false;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      if (failing) res.writeHead(502).end('bad gateway');
      else if (dbDown) {
        // index.php when MySQL is unreachable: the instance table, then the error, with a 200.
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            labPage('i-0aaaaaaaaaaaaaaa1').replace(
              '</body>',
              'Failed to connect to MySQL: Connection refused</body>',
            ),
          );
      } else res.writeHead(200, { 'content-type': 'text/html' }).end(labPage('i-0aaaaaaaaaaaaaaa1'));
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
    expect(answers.every((a) => a.served && a.problem === null)).toBe(true);
  });

  it('does not count a page with a database error as served, though the ALB answered 200', async () => {
    dbDown = true;
    try {
      const answers = await startServingPoller({
        url,
        http: { timeoutMs: 1000, retries: 0, maxBodyBytes: 64 * 1024 },
        everyMs: 5,
        maxRequests: 3,
        maxDurationMs: 10_000,
      }).done;
      expect(answers).toHaveLength(3);
      for (const a of answers) {
        expect(a).toMatchObject({ status: 200, served: false, instanceId: 'i-0aaaaaaaaaaaaaaa1' });
        expect(a.problem).toBe('Failed to connect to MySQL: Connection refused');
      }
      expect(servingGaps(answers, 0)).toMatchObject({ requests: 3, served: 0, errors: 3 });
    } finally {
      dbDown = false;
    }
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
    expect(answers.some((a) => a.status === 502 && !a.served && a.problem === 'HTTP 502')).toBe(true);
  });
});
