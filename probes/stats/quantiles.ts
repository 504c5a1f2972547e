// Order statistics for timing samples (TTFB, lag, downtime …).

export interface Summary {
  n: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

function assertUsable(values: readonly number[]): void {
  if (values.length === 0) throw new RangeError('cannot summarize an empty sample');
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`sample holds a non-finite value: ${v}`);
  }
}

function quantileOfSorted(sorted: readonly number[], q: number): number {
  // Hyndman & Fan type 7 (R's default, numpy's 'linear'): h = (n - 1) q, interpolate between neighbours.
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (0 <= q <= 1) with linear interpolation (type 7). Throws on an empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile q must be within [0, 1], got ${q}`);
  assertUsable(values);
  return quantileOfSorted(sortedCopy(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** n, min, max, mean and the 50/95/99th percentiles (type 7). Throws on an empty sample. */
export function summarize(values: readonly number[]): Summary {
  assertUsable(values);
  const sorted = sortedCopy(values);
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
    p50: quantileOfSorted(sorted, 0.5),
    p95: quantileOfSorted(sorted, 0.95),
    p99: quantileOfSorted(sorted, 0.99),
  };
}
