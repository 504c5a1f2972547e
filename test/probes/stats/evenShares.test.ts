import { describe, expect, it } from 'vitest';
import { defaults } from '../../../config/defaults.ts';
import {
  acceptsAtLook,
  defaultSampleSize,
  defaultSamplingPlan,
  evenSharesPower,
  type SamplingPlan,
  skewEffectSizes,
  testEvenShares,
} from '../../../probes/stats/evenShares.ts';
import { chiSquareCritical } from '../../../probes/stats/chiSquare.ts';
import { mulberry32 } from '../../../probes/stats/seededRandom.ts';

describe('testEvenShares', () => {
  it('computes the Pearson statistic and p-value', () => {
    // 60/40 over two targets: (10^2/50) * 2 = 4, p = P(chi2_1 > 4) = 0.0455 (scipy.stats.chi2.sf).
    const r = testEvenShares({ a: 60, b: 40 }, ['a', 'b']);
    expect(r.n).toBe(100);
    expect(r.k).toBe(2);
    expect(r.df).toBe(1);
    expect(r.chiSquare).toBeCloseTo(4, 12);
    expect(r.pValue).toBeCloseTo(0.04550026389635857, 10);
    expect(r.alpha).toBe(defaults.roundRobin.alpha);
    expect(r.consistent).toBe(true);
    expect(r.shares).toEqual({ a: 0.6, b: 0.4 });

    // 30/20/10 over three: expected 20 each → (100 + 0 + 100) / 20 = 10, df 2, p = e^-5.
    const three = testEvenShares({ a: 30, b: 20, c: 10 }, ['a', 'b', 'c'], { alpha: 0.01 });
    expect(three.chiSquare).toBeCloseTo(10, 12);
    expect(three.pValue).toBeCloseTo(Math.exp(-5), 12);
    expect(three.consistent).toBe(false);
    expect(three.reason).toMatch(/uneven/);
  });

  it('counts an expected target that got nothing as 0 and lists it as missing', () => {
    const r = testEvenShares({ a: 5, b: 5 }, ['a', 'b', 'c']);
    expect(r.k).toBe(3);
    expect(r.missing).toEqual(['c']);
    expect(r.chiSquare).toBeCloseTo(((5 - 10 / 3) ** 2 / (10 / 3)) * 2 + 10 / 3, 12);
    expect(r.consistent).toBe(false);
    expect(r.shares.c).toBe(0);
  });

  it('flags traffic to targets that are not expected', () => {
    const r = testEvenShares({ a: 50, b: 50, stray: 3, idle: 0 }, ['a', 'b']);
    expect(r.unexpected).toEqual(['stray']);
    expect(r.n).toBe(103);
    expect(r.consistent).toBe(false);
    expect(r.reason).toMatch(/stray/);
  });

  it('always accepts strict round robin', () => {
    for (let k = 1; k <= 8; k++) {
      const targets = Array.from({ length: k }, (_, i) => `i-${i}`);
      const n = defaultSampleSize(k);
      const counts = Object.fromEntries(targets.map((t) => [t, n / k]));
      const r = testEvenShares(counts, targets);
      expect(r.consistent, `k=${k}`).toBe(true);
      expect(r.chiSquare).toBe(0);
    }
  });

  it('never accepts one target getting everything', () => {
    for (let k = 2; k <= 8; k++) {
      const targets = Array.from({ length: k }, (_, i) => `i-${i}`);
      for (const n of [k, 10 * k, defaultSampleSize(k)]) {
        const r = testEvenShares({ [targets[0]!]: n }, targets);
        expect(r.consistent, `k=${k} n=${n}`).toBe(false);
      }
    }
  });

  it('treats one expected target as trivially even, and no hits as inconsistent', () => {
    expect(testEvenShares({ a: 7 }, ['a']).consistent).toBe(true);
    const none = testEvenShares({}, ['a', 'b']);
    expect(none.n).toBe(0);
    expect(none.consistent).toBe(false);
  });

  it('rejects bad input', () => {
    expect(() => testEvenShares({ a: 1 }, [])).toThrow(RangeError);
    expect(() => testEvenShares({ a: -1 }, ['a'])).toThrow(RangeError);
    expect(() => testEvenShares({ a: 1.5 }, ['a'])).toThrow(RangeError);
    expect(() => testEvenShares({ a: 1 }, ['a'], { alpha: 0 })).toThrow(RangeError);
  });
});

describe('defaultSampleSize', () => {
  it('is a multiple of k that reaches the power, and one multiple less does not', () => {
    for (const k of [2, 3, 4, 5, 6]) {
      const n = defaultSampleSize(k);
      expect(n % k).toBe(0);
      // Even k: one half gets 70%, split evenly inside each half → Cohen's w^2 = 0.16 for every even k.
      if (k % 2 === 0) {
        expect(evenSharesPower(n, k, 0.16)).toBeGreaterThanOrEqual(0.99);
        expect(evenSharesPower(n - k, k, 0.16)).toBeLessThan(0.99);
      }
    }
    // Hand check for k = 2: critical value 15.137 at alpha 1e-4, power 0.99 needs sqrt(lambda) ≈ 3.891 + 2.326,
    // lambda ≈ 38.7, n = lambda / 0.16 ≈ 242.
    expect(defaultSampleSize(2)).toBe(242);
  });

  it('grows with a stricter alpha, a higher power and a milder skew', () => {
    const base = defaultSampleSize(4);
    expect(defaultSampleSize(4, { alpha: 1e-6 })).toBeGreaterThan(base);
    expect(defaultSampleSize(4, { power: 0.999 })).toBeGreaterThan(base);
    expect(defaultSampleSize(4, { skew: 0.6 })).toBeGreaterThan(base);
    expect(defaultSampleSize(4, { alpha: 0.01 })).toBeLessThan(base);
  });

  it('returns 1 for one target and rejects nonsense', () => {
    expect(defaultSampleSize(1)).toBe(1);
    expect(() => defaultSampleSize(0)).toThrow(RangeError);
    expect(() => defaultSampleSize(2, { skew: 0.5 })).toThrow(RangeError);
    expect(() => defaultSampleSize(2, { power: 1 })).toThrow(RangeError);
  });
});

/** The target a uniform draw `u` picks, by the cumulative probabilities. */
function targetOf(u: number, cumulative: number[]): number {
  let j = 0;
  while (j < cumulative.length - 1 && u >= cumulative[j]!) j++;
  return j;
}

/** Draws n requests, each to target j with probability probs[j]; returns the hit counts. */
function drawCounts(
  random: () => number,
  n: number,
  cumulative: number[],
  names: string[],
): Record<string, number> {
  const hits = new Array<number>(names.length).fill(0);
  for (let i = 0; i < n; i++) hits[targetOf(random(), cumulative)]!++;
  return Object.fromEntries(names.map((name, j) => [name, hits[j]!]));
}

/** k targets named i-0 … and the cumulative sums of their probabilities. */
function targets(k: number, probs: number[]): { names: string[]; cumulative: number[] } {
  const names = Array.from({ length: k }, (_, i) => `i-${i}`);
  const cumulative: number[] = [];
  let sum = 0;
  for (const p of probs) {
    sum += p;
    cumulative.push(sum);
  }
  return { names, cumulative };
}

function inconsistentRate(k: number, probs: number[], trials: number, seed: number): number {
  const { names, cumulative } = targets(k, probs);
  const random = mulberry32(seed);
  const n = defaultSampleSize(k);
  let inconsistent = 0;
  for (let t = 0; t < trials; t++) {
    if (!testEvenShares(drawCounts(random, n, cumulative, names), names).consistent) inconsistent++;
  }
  return inconsistent / trials;
}

describe('error rates at the default sample size (seeded simulation)', () => {
  it('false-fails at most 0.1% of true round robin under the multinomial model (k = 2, 4)', () => {
    expect(inconsistentRate(2, [0.5, 0.5], 20_000, 1)).toBeLessThanOrEqual(0.001);
    expect(inconsistentRate(4, [0.25, 0.25, 0.25, 0.25], 20_000, 2)).toBeLessThanOrEqual(0.001);
  });

  it('detects a 70/30 skew with at least 99% power (k = 2, 4)', () => {
    expect(inconsistentRate(2, [0.7, 0.3], 4_000, 3)).toBeGreaterThanOrEqual(0.99);
    expect(inconsistentRate(4, [0.35, 0.35, 0.15, 0.15], 4_000, 4)).toBeGreaterThanOrEqual(0.99);
  });

  it('detects the odd-k reading of the skew too (k = 3, heavy group of 2 at a 7:3 ratio)', () => {
    expect(inconsistentRate(3, [7 / 17, 7 / 17, 3 / 17], 2_000, 5)).toBeGreaterThanOrEqual(0.99);
  });
});

describe('defaultSamplingPlan', () => {
  it.each([2, 3, 4, 6])(
    'looks at multiples of k below a full size a little above the fixed one (k = %i)',
    (k) => {
      const plan = defaultSamplingPlan(k);
      expect(plan.n).toBeGreaterThanOrEqual(defaultSampleSize(k));
      expect(plan.n % k).toBe(0);
      expect(plan.looks.length).toBeGreaterThan(0);
      let previous = 0;
      for (const look of plan.looks) {
        expect(look.n % k).toBe(0);
        expect(look.n).toBeGreaterThan(previous);
        expect(look.n).toBeLessThan(plan.n);
        // A look never accepts what the level-alpha test would reject.
        expect(look.acceptBelow).toBeGreaterThan(0);
        expect(look.acceptBelow).toBeLessThan(chiSquareCritical(1e-4, k - 1));
        previous = look.n;
      }
      // The looks and the full sample spend no more than the allowed miss rate between them.
      const lookMiss = plan.looks.reduce((sum, look) => sum + look.missRate, 0);
      expect(lookMiss + (1 - evenSharesPowerAt(plan.n, k))).toBeLessThanOrEqual(0.01 + 1e-12);
    },
  );

  it('accepts at a look only with every expected target hit, no other, and the statistic under the bound', () => {
    const look = defaultSamplingPlan(2).looks[0]!;
    const half = look.n / 2;
    expect(acceptsAtLook({ a: half, b: half }, ['a', 'b'], look)).toBe(true);
    expect(acceptsAtLook({ a: half + 3, b: half - 3 }, ['a', 'b'], look)).toBe(false);
    expect(acceptsAtLook({ a: look.n }, ['a', 'b'], look)).toBe(false);
    expect(acceptsAtLook({ a: half, c: half }, ['a', 'b'], look)).toBe(false);
  });

  it('is a single request for one target', () => {
    expect(defaultSamplingPlan(1)).toEqual({ looks: [], n: 1 });
  });

  it('is worked out once per set of inputs, and a caller changing its copy changes no later plan', () => {
    const first = defaultSamplingPlan(2);
    const again = defaultSamplingPlan(2);
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    first.looks[0]!.acceptBelow = 1e9;
    first.looks.pop();
    first.n = 3;
    expect(defaultSamplingPlan(2)).toEqual(again);
    // Other inputs, another plan.
    expect(defaultSamplingPlan(2, { power: 0.999 }).n).toBeGreaterThan(again.n);
  });
});

/** Power of the plan's full-size test against the default skew's milder reading. */
function evenSharesPowerAt(n: number, k: number): number {
  return Math.min(...skewEffectSizes(k, 0.7).map((w2) => evenSharesPower(n, k, w2)));
}

/** One sequential sample under the plan: requests drawn one by one, judged at each look and at the end. */
function runPlan(
  random: () => number,
  plan: SamplingPlan,
  cumulative: number[],
  names: string[],
): { consistent: boolean; n: number } {
  const hits = new Array<number>(names.length).fill(0);
  const counts = () => Object.fromEntries(names.map((name, j) => [name, hits[j]!]));
  let drawn = 0;
  for (const boundary of [...plan.looks.map((look) => look.n), plan.n]) {
    for (; drawn < boundary; drawn++) hits[targetOf(random(), cumulative)]!++;
    const look = plan.looks.find((candidate) => candidate.n === boundary);
    if (look && acceptsAtLook(counts(), names, look)) return { consistent: true, n: drawn };
  }
  return { consistent: testEvenShares(counts(), names).consistent, n: drawn };
}

function planRates(k: number, probs: number[], trials: number, seed: number) {
  const { names, cumulative } = targets(k, probs);
  const random = mulberry32(seed);
  const plan = defaultSamplingPlan(k);
  let inconsistent = 0;
  let requests = 0;
  for (let t = 0; t < trials; t++) {
    const run = runPlan(random, plan, cumulative, names);
    if (!run.consistent) inconsistent++;
    requests += run.n;
  }
  return { inconsistent: inconsistent / trials, meanRequests: requests / trials, plan };
}

describe('error rates of the sampling plan with its early looks (seeded simulation)', () => {
  it('false-fails at most 0.1% of true round robin, and stops well before the full size (k = 2, 4)', () => {
    for (const [k, seed] of [
      [2, 11],
      [4, 12],
    ] as const) {
      const rates = planRates(k, new Array<number>(k).fill(1 / k), 20_000, seed);
      expect(rates.inconsistent).toBeLessThanOrEqual(0.001);
      expect(rates.meanRequests).toBeLessThan(0.75 * defaultSampleSize(k));
    }
  });

  it('detects a 70/30 skew with at least 99% power (k = 2, 4)', () => {
    expect(planRates(2, [0.7, 0.3], 4_000, 13).inconsistent).toBeGreaterThanOrEqual(0.99);
    expect(planRates(4, [0.35, 0.35, 0.15, 0.15], 4_000, 14).inconsistent).toBeGreaterThanOrEqual(0.99);
  });

  it('detects the odd-k reading of the skew too (k = 3, heavy group of 2 at a 7:3 ratio)', () => {
    expect(planRates(3, [7 / 17, 7 / 17, 3 / 17], 2_000, 15).inconsistent).toBeGreaterThanOrEqual(0.99);
  });
});
