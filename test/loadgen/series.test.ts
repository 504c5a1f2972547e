import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadSecond } from '../../loadgen/results.ts';
import { runLoad } from '../../loadgen/runLoad.ts';
import { type CountingServer, startCountingServer } from './localTargets.ts';

let server: CountingServer;

beforeAll(async () => {
  server = await startCountingServer({ kind: 'page', instanceId: 'i-0aaa' });
});

afterAll(async () => {
  await server.close();
});

describe('series', () => {
  it('has one entry per second, handed to onSecond as it happens', async () => {
    const live: LoadSecond[] = [];
    const result = await runLoad({
      url: server.url,
      allowedHosts: ['127.0.0.1'],
      connections: 4,
      durationS: 3,
      onSecond: (s) => live.push(s),
    });
    expect(result.stoppedBy).toBe('duration');
    expect(result.series.map((s) => s.t)).toEqual([1, 2, 3]);
    expect(live.map((s) => s.t)).toEqual([1, 2, 3]);
    const sum = result.series.reduce((acc, s) => acc + s.requests, 0);
    expect(sum).toBe(result.totals.requests);
    for (const s of result.series) {
      expect(s.requests).toBeGreaterThan(0);
      expect(s.latencyP99Ms).toBeGreaterThanOrEqual(s.latencyP50Ms);
      expect(s.errors).toBe(0);
    }
    expect(result.totals.latency.p50).toBeGreaterThan(0);
    expect(result.totals.latency.max).toBeGreaterThanOrEqual(result.totals.latency.p99);
    expect(result.totals.bytes).toBeGreaterThan(0);
  });

  it('runs ramp steps in order and reports done when they finish before the cap', async () => {
    const result = await runLoad({
      url: server.url,
      allowedHosts: ['127.0.0.1'],
      connections: 4,
      durationS: 10,
      ramp: {
        steps: [
          { connections: 1, rate: 20, holdS: 1 },
          { connections: 4, rate: 200, holdS: 1 },
        ],
      },
    });
    expect(result.stoppedBy).toBe('done');
    expect(result.series.length).toBeGreaterThanOrEqual(2);
    expect(result.series.length).toBeLessThanOrEqual(3);
    const [first, second] = result.series;
    expect(first!.requests).toBeLessThanOrEqual(25);
    expect(second!.requests).toBeGreaterThan(first!.requests);
  });

  it('cuts a ramp that outlasts the duration cap', async () => {
    const started = Date.now();
    const result = await runLoad({
      url: server.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 1,
      ramp: {
        steps: [
          { connections: 1, rate: 50, holdS: 0.5 },
          { connections: 2, rate: 50, holdS: 20 },
        ],
      },
    });
    expect(result.stoppedBy).toBe('duration');
    expect(Date.now() - started).toBeLessThan(3500);
  });
});
