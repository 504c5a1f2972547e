import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../loadgen/runLoad.ts';
import { type CountingServer, startCountingServer } from './localTargets.ts';

let healthy: CountingServer;
let failing: CountingServer;

beforeAll(async () => {
  healthy = await startCountingServer({ kind: 'page', instanceId: 'i-0aaa' });
  failing = await startCountingServer({ kind: 'status', status: 503 });
});

afterAll(async () => {
  await healthy.close();
  await failing.close();
});

describe('stop conditions', () => {
  it('stopWhen.condition stops the run once it turns true, polled each second', async () => {
    let polls = 0;
    const started = Date.now();
    const result = await runLoad({
      url: healthy.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 30,
      rate: 200,
      stopWhen: {
        condition: async () => {
          polls += 1;
          return polls >= 2;
        },
      },
    });
    expect(result.stoppedBy).toBe('condition');
    expect(polls).toBe(2);
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result.series.length).toBeGreaterThanOrEqual(2);
  });

  it('a throwing condition is reported as a warning and does not stop the run', async () => {
    const result = await runLoad({
      url: healthy.url,
      allowedHosts: ['127.0.0.1'],
      connections: 1,
      durationS: 1,
      rate: 50,
      stopWhen: {
        condition: () => {
          throw new Error('Throttling: Rate exceeded');
        },
      },
    });
    expect(result.stoppedBy).toBe('duration');
    expect(result.warnings).toContain('stop condition threw: Throttling: Rate exceeded');
  });

  it('stops on the error rate when the target answers 503', async () => {
    const started = Date.now();
    const result = await runLoad({
      url: failing.url,
      allowedHosts: ['127.0.0.1'],
      connections: 4,
      durationS: 30,
      stopWhen: { errorRateAbove: 0.5 },
    });
    expect(result.stoppedBy).toBe('errorRate');
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result.totals.non2xx).toBe(result.totals.requests);
    expect(result.totals.requests).toBeGreaterThan(0);
  });

  it('does not stop on the error rate when the target is healthy', async () => {
    const result = await runLoad({
      url: healthy.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 2,
      rate: 500,
      stopWhen: { errorRateAbove: 0.01 },
    });
    expect(result.stoppedBy).toBe('duration');
    expect(result.totals.non2xx).toBe(0);
  });
});

describe('connection storms', () => {
  it('stops when every connection attempt fails, even without an error-rate stop', async () => {
    // A port nothing listens on: find one by opening and closing a server.
    const closed = await startCountingServer({ kind: 'hang' });
    const url = closed.url;
    await closed.close();
    const started = Date.now();
    const result = await runLoad({ url, allowedHosts: ['127.0.0.1'], connections: 4, durationS: 30 });
    expect(result.stoppedBy).toBe('errorRate');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.totals.requests).toBe(0);
    expect(result.warnings[0]).toMatch(/every connection attempt failed in second 1/);
  });
});
