import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderLabPage } from '../../fixtures/twin/labAppPage.ts';
import { sampleServingTargets } from '../../probes/servingTargets.ts';

// The serving sampler over real sockets, against a server that takes its instances in strict turn.

const instances = [
  { instanceId: 'i-0aaaaaaaaaaaaaaa1', availabilityZone: 'ap-northeast-2a' },
  { instanceId: 'i-0bbbbbbbbbbbbbbb2', availabilityZone: 'ap-northeast-2c' },
];
let server: Server;
let url: string;
let received = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    const instance = instances[received % instances.length]!;
    received += 1;
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(
      renderLabPage({ ...instance, privateIp: '10.1.3.10', publicIp: '', connectError: null, rows: [] }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = 0;
});

const http = { timeoutMs: 5_000, retries: 0, maxBodyBytes: 65_536 };

describe('sampleServingTargets', () => {
  it('shows each look exactly its count of answered requests, and stops where it is accepted', async () => {
    const seenAtLooks: number[] = [];
    const served = await sampleServingTargets(url, {
      requests: 40,
      concurrency: 4,
      http,
      looks: [10, 20],
      acceptAt: (sofar, look) => {
        seenAtLooks.push(sofar.requests.length, look);
        return look === 20;
      },
    });
    expect(seenAtLooks).toEqual([10, 10, 20, 20]);
    expect(served.stoppedAt).toBe(20);
    expect(served.requests).toHaveLength(20);
    expect(received).toBe(20);
    expect(served.byInstance).toEqual({ 'i-0aaaaaaaaaaaaaaa1': 10, 'i-0bbbbbbbbbbbbbbb2': 10 });
    expect(served.requests.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('runs to the full count when no look accepts, or without looks', async () => {
    const refused = await sampleServingTargets(url, {
      requests: 24,
      concurrency: 4,
      http,
      looks: [6, 12, 30],
      acceptAt: () => false,
    });
    expect(refused.stoppedAt).toBeNull();
    expect(refused.requests).toHaveLength(24);
    received = 0;
    const plain = await sampleServingTargets(url, { requests: 7, concurrency: 4, http });
    expect(plain.stoppedAt).toBeNull();
    expect(received).toBe(7);
    expect(Object.keys(plain.pages).sort()).toEqual(instances.map((i) => i.instanceId));
  });
});
