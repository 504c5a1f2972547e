import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../loadgen/runLoad.ts';
import { MAX_SAMPLED_BODY_CHARS, TargetSampler } from '../../loadgen/targetSampler.ts';
import { type CountingServer, startCountingServer, startRotatingFront } from './localTargets.ts';

const identify = (body: string): string | null =>
  /Instance ID<\/td><td><i>(i-[0-9a-z]+)<\/i>/.exec(body)?.[1] ?? null;

let backendA: CountingServer;
let backendB: CountingServer;
let twoToOne: CountingServer;
let alternating: CountingServer;

beforeAll(async () => {
  backendA = await startCountingServer({ kind: 'page', instanceId: 'i-0aaa' });
  backendB = await startCountingServer({ kind: 'page', instanceId: 'i-0bbb' });
  twoToOne = await startRotatingFront([backendA, backendB], [0, 0, 1]);
  alternating = await startRotatingFront([backendA, backendB], [0, 1]);
});

afterAll(async () => {
  await twoToOne.close();
  await alternating.close();
  await backendA.close();
  await backendB.close();
});

describe('per-target sampling', () => {
  it('finds both servers behind a front and their 2:1 shares', async () => {
    const aBefore = backendA.requests;
    const bBefore = backendB.requests;
    const result = await runLoad({
      url: twoToOne.url,
      allowedHosts: ['127.0.0.1'],
      connections: 8,
      durationS: 1,
      sampleTargets: { every: 5, identify },
    });
    const servedA = backendA.requests - aBefore;
    const servedB = backendB.requests - bBefore;
    expect(servedA / (servedA + servedB)).toBeCloseTo(2 / 3, 1);
    expect(Object.keys(result.targetShares).sort()).toEqual(['i-0aaa', 'i-0bbb']);
    expect(result.targetShares['i-0aaa']).toBeGreaterThan(0.58);
    expect(result.targetShares['i-0aaa']).toBeLessThan(0.75);
    expect(result.sampling.sampled).toBeGreaterThan(100);
    // About 1 in 5 responses was read.
    expect(result.sampling.sampled / result.totals.requests).toBeGreaterThan(0.15);
    expect(result.sampling.sampled / result.totals.requests).toBeLessThan(0.25);
    const perSecond = result.series.reduce(
      (acc, s) => acc + Object.values(s.targets).reduce((a, b) => a + b, 0),
      0,
    );
    expect(perSecond).toBe(result.sampling.identified);
  });

  it('does not alias with strict round robin when N equals the number of targets', async () => {
    const result = await runLoad({
      url: alternating.url,
      allowedHosts: ['127.0.0.1'],
      connections: 1,
      durationS: 1,
      sampleTargets: { every: 2, identify },
    });
    expect(result.targetShares['i-0aaa']).toBeGreaterThan(0.4);
    expect(result.targetShares['i-0bbb']).toBeGreaterThan(0.4);
  });

  it('keeps at most MAX_SAMPLED_BODY_CHARS of a huge page', async () => {
    const huge = await startCountingServer({
      kind: 'custom',
      respond: (_req, res) => {
        res.writeHead(200).end(`<tr><td>Instance ID</td><td><i>i-0ccc</i></td><tr>${'x'.repeat(1_000_000)}`);
      },
    });
    try {
      let longest = 0;
      const result = await runLoad({
        url: huge.url,
        allowedHosts: ['127.0.0.1'],
        connections: 2,
        durationS: 1,
        rate: 20,
        sampleTargets: {
          every: 1,
          identify: (body) => {
            longest = Math.max(longest, body.length);
            return identify(body);
          },
        },
      });
      expect(result.targetShares).toEqual({ 'i-0ccc': 1 });
      expect(longest).toBe(MAX_SAMPLED_BODY_CHARS);
    } finally {
      await huge.close();
    }
  });

  it('without sampling reports no targets', async () => {
    const result = await runLoad({
      url: twoToOne.url,
      allowedHosts: ['127.0.0.1'],
      connections: 2,
      durationS: 1,
      rate: 100,
    });
    expect(result.targetShares).toEqual({});
    expect(result.sampling).toEqual({ sampled: 0, identified: 0 });
  });
});

describe('TargetSampler', () => {
  it('samples about 1 in N with gaps between 1 and 2N-1', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const sampler = new TargetSampler(10, () => 'x', random);
    let sampled = 0;
    let gap = 0;
    let maxGap = 0;
    for (let i = 0; i < 100_000; i++) {
      gap += 1;
      if (sampler.shouldSample()) {
        sampled += 1;
        maxGap = Math.max(maxGap, gap);
        gap = 0;
      }
    }
    expect(sampled).toBeGreaterThan(9000);
    expect(sampled).toBeLessThan(11000);
    expect(maxGap).toBeLessThanOrEqual(19);
  });

  it('bounds what it keeps from untrusted bodies and survives a throwing identify', () => {
    const lengths: number[] = [];
    const sampler = new TargetSampler(1, (body) => {
      lengths.push(body.length);
      if (body.startsWith('boom')) throw new Error('bad page');
      return body.length > 10 ? 'y'.repeat(5000) : null;
    });
    expect(sampler.record('x'.repeat(MAX_SAMPLED_BODY_CHARS * 2))).toHaveLength(200);
    expect(lengths[0]).toBe(MAX_SAMPLED_BODY_CHARS);
    expect(sampler.record('boom')).toBeNull();
    expect(sampler.record('short')).toBeNull();
    expect(sampler.failures).toEqual(['identify threw: bad page']);
    expect(sampler.sampled).toBe(3);
    expect(sampler.identified).toBe(1);
    expect(sampler.shares()).toEqual({ ['y'.repeat(200)]: 1 });
  });
});
