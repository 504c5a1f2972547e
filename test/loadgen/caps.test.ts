import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../loadgen/runLoad.ts';
import { type CountingServer, startCountingServer } from './localTargets.ts';

let fast: CountingServer;
let hanging: CountingServer;

beforeAll(async () => {
  fast = await startCountingServer({ kind: 'page', instanceId: 'i-0aaa' });
  hanging = await startCountingServer({ kind: 'hang' });
});

afterAll(async () => {
  await fast.close();
  await hanging.close();
});

/** Counts from now on, once requests still in flight from an earlier run have landed. */
async function countFrom(server: CountingServer) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const requests = server.requests;
  const sockets = server.socketsAccepted;
  server.maxOpenSockets = server.openSockets;
  return {
    requests: () => server.requests - requests,
    sockets: () => server.socketsAccepted - sockets,
  };
}

async function waitForSocketsToClose(server: CountingServer): Promise<void> {
  for (let i = 0; i < 50 && server.openSockets > 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('caps', () => {
  it('duration cap stops a run against a server that never answers', async () => {
    const count = await countFrom(hanging);
    const started = Date.now();
    const result = await runLoad({
      url: hanging.url,
      allowedHosts: ['127.0.0.1'],
      connections: 4,
      durationS: 1,
    });
    const elapsedMs = Date.now() - started;
    expect(result.stoppedBy).toBe('duration');
    expect(elapsedMs).toBeLessThan(3500);
    expect(result.totals.requests).toBe(0);
    expect(count.requests()).toBeLessThanOrEqual(4);
    await waitForSocketsToClose(hanging);
    expect(hanging.openSockets).toBe(0);
  });

  it('duration cap holds with a request cap that can never be reached', async () => {
    const started = Date.now();
    const result = await runLoad({
      url: hanging.url,
      allowedHosts: ['127.0.0.1'],
      connections: 3,
      durationS: 1,
      maxRequests: 1000,
    });
    expect(result.stoppedBy).toBe('duration');
    expect(Date.now() - started).toBeLessThan(3500);
  });

  it('maxRequests is never exceeded, counted on the server', async () => {
    const count = await countFrom(fast);
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 10,
      durationS: 10,
      maxRequests: 137,
    });
    expect(result.stoppedBy).toBe('maxRequests');
    expect(count.requests()).toBeLessThanOrEqual(137);
    expect(result.totals.sent).toBeLessThanOrEqual(137);
    // A fast local server answers every one of them.
    expect(count.requests()).toBe(137);
    expect(result.totals.requests).toBe(137);
  });

  it('maxRequests smaller than connections opens no more connections than requests', async () => {
    const count = await countFrom(fast);
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 10,
      durationS: 5,
      maxRequests: 3,
    });
    expect(result.stoppedBy).toBe('maxRequests');
    expect(count.requests()).toBe(3);
    expect(count.sockets()).toBeLessThanOrEqual(3);
  });

  it('maxRequests holds across ramp steps', async () => {
    const count = await countFrom(fast);
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 8,
      durationS: 10,
      maxRequests: 500,
      rate: 400,
      ramp: {
        steps: [
          { connections: 4, holdS: 1 },
          { connections: 8, holdS: 5 },
        ],
      },
    });
    expect(result.stoppedBy).toBe('maxRequests');
    expect(count.requests()).toBeLessThanOrEqual(500);
    expect(result.totals.sent).toBeLessThanOrEqual(500);
  });

  it('never opens more connections than asked', async () => {
    const count = await countFrom(fast);
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 7,
      durationS: 1,
    });
    expect(result.stoppedBy).toBe('duration');
    expect(result.totals.requests).toBeGreaterThan(0);
    expect(fast.maxOpenSockets).toBe(7);
    expect(count.sockets()).toBe(7);
  });

  it('rate caps requests per second', async () => {
    const count = await countFrom(fast);
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 10,
      durationS: 2,
      rate: 50,
    });
    expect(result.stoppedBy).toBe('duration');
    // autocannon spreads the rate over connections, per second; allow the partial third second.
    expect(count.requests()).toBeLessThanOrEqual(150);
    expect(count.requests()).toBeGreaterThanOrEqual(50);
  });

  it('an abort signal stops the run, and a signal aborted up front sends nothing', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 30,
      signal: controller.signal,
    });
    expect(result.stoppedBy).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2500);

    const count = await countFrom(fast);
    const none = await runLoad({
      url: fast.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 30,
      signal: AbortSignal.abort(),
    });
    expect(none.stoppedBy).toBe('aborted');
    expect(none.totals.sent).toBe(0);
    expect(count.sockets()).toBe(0);
  });
});
