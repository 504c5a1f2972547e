import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecksInProcess } from '../../cli/runInProcess.ts';

// cf.speedup sends each S3/CloudFront pair at the same moment, so that a slow moment of the network or the
// machine falls on both sides alike. Each of the two servers here holds its answer until the other side's
// request of the pair has arrived (or a second has passed): pairs sent together are each answered at once,
// requests sent one after another would each wait out the second and say so.

const samples = 5;
const holdLimitMs = 1_000;
let servers: Server[] = [];
const urls: string[] = [];
const arrived = [0, 0];
const waiting: (() => void)[] = [];
/** Per request: whether the other side's request of its pair came while it was held. */
const paired: boolean[][] = [[], []];

function side(index: 0 | 1): Server {
  const other = 1 - index;
  return createServer((_request, response) => {
    arrived[index]! += 1;
    const seq = arrived[index]!;
    const answer = (partnerCame: boolean) => {
      paired[index]!.push(partnerCame);
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>my car</html>');
    };
    if (arrived[other]! >= seq) {
      answer(true);
      for (const release of waiting.splice(0)) release();
      return;
    }
    const timer = setTimeout(() => answer(false), holdLimitMs);
    waiting.push(() => {
      clearTimeout(timer);
      answer(true);
    });
  });
}

beforeAll(async () => {
  servers = [side(0), side(1)];
  for (const server of servers) {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mycar.html`);
  }
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('cf.speedup', () => {
  it('sends each S3 request and its CloudFront request together', async () => {
    const [result] = await runChecksInProcess({
      stackFile: 'speedup.yaml',
      stack: {
        name: 'speedup',
        s3: { websiteUrl: urls[0]! },
        cloudfront: { url: urls[1]! },
        probe: { speedupSamples: samples },
      },
      only: ['cf.speedup'],
      chaosRequested: false,
    });
    expect(result?.verdict, result?.reason).toBe('pass');
    expect(paired[0]).toHaveLength(samples);
    expect(paired[1]).toHaveLength(samples);
    // Every request of both sides met its partner while held: no side waited for the other to finish.
    expect([...paired[0]!, ...paired[1]!].every(Boolean)).toBe(true);
    expect(result?.evidence.measurements.map((m) => m.name)).toEqual([
      'S3 website median TTFB',
      'CloudFront median TTFB',
      'speedup',
    ]);
  });
});
