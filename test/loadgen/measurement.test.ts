import { describe, expect, it } from 'vitest';
import { errorRateExceeded, errorRateOver } from '../../loadgen/errorRate.ts';
import { LatencyHistogram } from '../../loadgen/latencyHistogram.ts';
import type { LoadSecond } from '../../loadgen/results.ts';

function second(requests: number, errors: number, non2xx: number): LoadSecond {
  return {
    t: 1,
    requests,
    rps: requests,
    errors,
    timeouts: 0,
    non2xx,
    latencyP50Ms: 0,
    latencyP99Ms: 0,
    targets: {},
  };
}

describe('LatencyHistogram', () => {
  it('gives percentiles within 2% of the exact values', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      const v = ((i * 7919) % 10_000) / 10 + 0.05; // 0.05 .. 1000 ms, spread out
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    for (const p of [50, 90, 99]) {
      const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.02);
    }
    expect(h.max()).toBe(values.at(-1));
    expect(h.count).toBe(10_000);
  });

  it('adds, resets and ignores nonsense', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(1);
    b.record(3);
    b.record(Number.NaN);
    b.record(-1);
    a.add(b);
    expect(a.count).toBe(2);
    expect(a.mean()).toBe(2);
    expect(a.max()).toBe(3);
    a.reset();
    expect(a.percentile(50)).toBe(0);
    a.record(1e9); // clamped, not crashing
    expect(a.percentile(100)).toBeGreaterThan(1e6);
  });
});

describe('error rate', () => {
  it('counts errors and non-2xx over the last seconds', () => {
    const series = [second(100, 0, 0), second(100, 0, 0), second(50, 25, 25)];
    expect(errorRateOver(series, 1)).toEqual({ rate: 50 / 75, outcomes: 75 });
    expect(errorRateOver(series, 5).rate).toBeCloseTo(50 / 275);
    expect(errorRateExceeded(series, 1, 0.5)).toBe(true);
    expect(errorRateExceeded(series, 5, 0.5)).toBe(false);
  });

  it('does not stop on a handful of outcomes', () => {
    expect(errorRateExceeded([second(2, 3, 2)], 5, 0.1)).toBe(false);
  });
});
