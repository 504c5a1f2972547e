import { describe, expect, it } from 'vitest';
import {
  analyzeFailover,
  dnsSwap,
  lostAcknowledgedWrites,
  outageWindow,
} from '../../../probes/failover/failoverAnalysis.ts';

// Synthetic timelines: t0 is the reboot call; samples every 100 ms.
const t0 = 1_700_000_000_000;
const at = (ms: number) => t0 + ms;

function okSeries(fromMs: number, toMs: number, everyMs: number, ok: (ms: number) => boolean) {
  const samples: { at: number; ok: boolean; seq: number }[] = [];
  let seq = 1;
  for (let ms = fromMs; ms <= toMs; ms += everyMs) samples.push({ at: at(ms), ok: ok(ms), seq: seq++ });
  return samples;
}

describe('outageWindow', () => {
  it('spans from the last success before the first failure to the first success after the last one', () => {
    const samples = okSeries(-500, 5000, 100, (ms) => ms < 300 || ms >= 2600);
    expect(outageWindow(samples, t0)).toEqual({
      lastOkAt: at(200),
      firstFailAt: at(300),
      lastFailAt: at(2500),
      firstOkAt: at(2600),
      ms: 2400,
      failures: 23,
    });
  });

  it('takes flapping as one outage and says when nothing recovered', () => {
    const flapping = okSeries(0, 3000, 100, (ms) => ms < 500 || (ms > 1000 && ms < 1300) || ms >= 2000);
    expect(outageWindow(flapping, t0)).toMatchObject({ lastOkAt: at(400), firstOkAt: at(2000), ms: 1600 });
    const never = okSeries(0, 3000, 100, (ms) => ms < 500);
    expect(outageWindow(never, t0)).toMatchObject({ firstOkAt: null, ms: null });
  });

  it('ignores failures before the start and reports no outage when nothing failed', () => {
    const earlyBlip = okSeries(-1000, 2000, 100, (ms) => ms !== -500);
    expect(outageWindow(earlyBlip, t0)).toBeNull();
  });
});

describe('dnsSwap', () => {
  const dns = (swapMs: number, from = '127.0.0.11', to = '127.0.0.12') =>
    okSeries(-300, 6000, 150, () => true).map((s) => ({
      at: s.at,
      addresses: s.at - t0 < swapMs ? [from] : [to],
    }));

  it('finds the first answer with the new address', () => {
    const swap = dnsSwap(dns(1720), { from: t0, oldAddress: '127.0.0.11', expected: '127.0.0.12' });
    expect(swap).toEqual({ at: at(1800), address: '127.0.0.12', afterMs: 1800, lastOldAt: at(1650) });
  });

  it('does not count a move to some other address when the expected one is known', () => {
    expect(
      dnsSwap(dns(1000, '127.0.0.11', '127.0.0.99'), {
        from: t0,
        oldAddress: '127.0.0.11',
        expected: '127.0.0.12',
      }),
    ).toBeNull();
    expect(
      dnsSwap(dns(1000, '127.0.0.11', '127.0.0.99'), { from: t0, oldAddress: '127.0.0.11' })?.address,
    ).toBe('127.0.0.99');
  });

  it('skips empty answers (a resolver error) and reports null when the name never moved', () => {
    const samples = [
      { at: at(100), addresses: ['10.1.5.10'] },
      { at: at(200), addresses: [] },
      { at: at(300), addresses: ['10.1.5.10'] },
    ];
    expect(dnsSwap(samples, { from: t0, oldAddress: '10.1.5.10' })).toBeNull();
  });
});

describe('lostAcknowledgedWrites', () => {
  it('lists acknowledged sequence numbers the new writer lacks', () => {
    expect(lostAcknowledgedWrites([1, 2, 3, 5, 8], new Set([1, 2, 3, 4, 8]))).toEqual([5]);
    expect(lostAcknowledgedWrites([], new Set())).toEqual([]);
  });
});

describe('analyzeFailover', () => {
  const writes = okSeries(-1000, 8000, 50, (ms) => ms < 100 || ms >= 1900);
  const app = okSeries(-1000, 8000, 200, (ms) => ms < 200 || ms >= 2400).map((s) => ({
    at: s.at,
    healthy: s.ok,
  }));
  const dnsSamples = okSeries(-1000, 8000, 100, () => true).map((s) => ({
    at: s.at,
    addresses: s.at - t0 < 1800 ? ['127.0.0.11'] : ['127.0.0.12'],
  }));

  it('measures DNS swap, write and app downtime, RTO and lost writes from one timeline', () => {
    const acknowledged = writes.filter((w) => w.ok).map((w) => w.seq);
    const result = analyzeFailover({
      rebootAt: t0,
      oldAddress: '127.0.0.11',
      expectedAddress: '127.0.0.12',
      dns: dnsSamples,
      writes,
      app,
      presentAfter: new Set(acknowledged.filter((seq) => seq !== acknowledged[3])),
    });
    expect(result.dnsSwap?.afterMs).toBe(1800);
    expect(result.writeOutage).toMatchObject({ lastOkAt: at(50), firstOkAt: at(1900), ms: 1850 });
    expect(result.appOutage).toMatchObject({ lastOkAt: at(0), firstOkAt: at(2400), ms: 2400 });
    expect(result.rtoMs).toBe(2400);
    expect(result.lostWrites).toEqual([acknowledged[3]]);
    expect(result.writesAcknowledged + result.writesFailed).toBe(writes.length);
  });

  it('has no RTO while something observed has not recovered, and skips streams that were not observed', () => {
    const stuck = analyzeFailover({
      rebootAt: t0,
      oldAddress: '127.0.0.11',
      dns: dnsSamples,
      writes: okSeries(-1000, 8000, 50, (ms) => ms < 100),
    });
    expect(stuck.rtoMs).toBeNull();
    expect(stuck.appOutage).toBeNull();
    expect(stuck.lostWrites).toBeNull();
    const dnsOnly = analyzeFailover({ rebootAt: t0, oldAddress: '127.0.0.11', dns: dnsSamples });
    expect(dnsOnly.rtoMs).toBe(1800);
    const noSwap = analyzeFailover({ rebootAt: t0, oldAddress: '127.0.0.12', dns: dnsSamples.slice(0, 5) });
    expect(noSwap.dnsSwap).toBeNull();
  });
});
