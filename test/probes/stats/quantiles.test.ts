import { describe, expect, it } from 'vitest';
import { median, quantile, summarize } from '../../../probes/stats/quantiles.ts';

describe('quantile (type 7)', () => {
  // Reference values: R quantile(x, type = 7) / numpy.quantile(x, method='linear').
  const x = [15, 20, 35, 40, 50];

  it('interpolates linearly between order statistics', () => {
    expect(quantile(x, 0)).toBe(15);
    expect(quantile(x, 1)).toBe(50);
    expect(quantile(x, 0.5)).toBe(35);
    expect(quantile(x, 0.4)).toBeCloseTo(29, 12);
    expect(quantile(x, 0.95)).toBeCloseTo(48, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
  });

  it('does not depend on input order and does not reorder the input', () => {
    const shuffled = [40, 15, 50, 35, 20];
    expect(quantile(shuffled, 0.4)).toBeCloseTo(29, 12);
    expect(shuffled).toEqual([40, 15, 50, 35, 20]);
  });

  it('handles one value', () => {
    expect(quantile([7], 0.99)).toBe(7);
    expect(median([7])).toBe(7);
  });

  it('rejects empty samples, bad q and non-finite values', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], Number.NaN)).toThrow(RangeError);
    expect(() => quantile([1, Number.NaN], 0.5)).toThrow(RangeError);
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('median', () => {
  it('is the middle value or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('summarize', () => {
  it('gives n, min, max, mean and percentiles', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 100 … 0
    const s = summarize(values);
    expect(s.n).toBe(101);
    expect(s.min).toBe(0);
    expect(s.max).toBe(100);
    expect(s.mean).toBe(50);
    expect(s.p50).toBe(50);
    expect(s.p95).toBeCloseTo(95, 12);
    expect(s.p99).toBeCloseTo(99, 12);
  });
});
