// The round-robin distribution test behind alb.round-robin: is the traffic each target received consistent
// with every expected target getting an equal share?
//
// Test: Pearson chi-square goodness of fit against the uniform distribution over the expected targets
// (a target that got nothing counts with 0). Its null model is the conservative one, where every request
// independently goes to a uniformly random target (multinomial); a strict round robin spreads requests more
// evenly than that, so its false-fail rate is lower still.
//
// The default level, power and skew are roundRobin.{alpha, power, skew} in config/defaults.ts. At alpha 1e-4
// the false-fail rate on true round robin stays far below the 0.1% target even under the multinomial model,
// with room for the small error of the chi-square approximation and for some over-dispersion (e.g. several
// load-balancer nodes, each with its own rotation).
import { defaults } from '../../config/defaults.ts';
import { chiSquareCritical, chiSquareSurvival, noncentralChiSquareCdf } from './chiSquare.ts';

export interface EvenSharesResult {
  /** All hits, expected and unexpected targets together. */
  n: number;
  /** Number of expected targets. */
  k: number;
  chiSquare: number;
  df: number;
  pValue: number;
  alpha: number;
  /** p-value >= alpha, every expected target hit, no unexpected target hit. */
  consistent: boolean;
  /** Share of all hits per target (expected and unexpected ones). */
  shares: Record<string, number>;
  /** Expected targets with 0 hits. */
  missing: string[];
  /** Targets that got hits but are not expected. */
  unexpected: string[];
  /** One line saying why the shares are (in)consistent, for evidence. */
  reason: string;
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be within (0, 1), got ${alpha}`);
}

function formatP(p: number): string {
  return p < 1e-4 ? p.toExponential(2) : p.toFixed(4);
}

export function testEvenShares(
  counts: Record<string, number>,
  expectedTargets: string[],
  options: { alpha?: number } = {},
): EvenSharesResult {
  const alpha = options.alpha ?? defaults.roundRobin.alpha;
  checkAlpha(alpha);
  const expected = [...new Set(expectedTargets)];
  if (expected.length === 0) throw new RangeError('at least one expected target is needed');
  for (const [target, count] of Object.entries(counts)) {
    if (!(Number.isInteger(count) && count >= 0)) {
      throw new RangeError(
        `count for ${JSON.stringify(target)} must be a non-negative integer, got ${count}`,
      );
    }
  }
  const expectedSet = new Set(expected);
  const k = expected.length;
  const countOf = (target: string): number => (Object.hasOwn(counts, target) ? counts[target]! : 0);

  const unexpected = Object.keys(counts).filter((t) => !expectedSet.has(t) && countOf(t) > 0);
  const missing = expected.filter((t) => countOf(t) === 0);
  const expectedHits = expected.reduce((sum, t) => sum + countOf(t), 0);
  const n = expectedHits + unexpected.reduce((sum, t) => sum + countOf(t), 0);

  const shares: Record<string, number> = {};
  for (const t of [...expected, ...unexpected]) shares[t] = n === 0 ? 0 : countOf(t) / n;

  const df = k - 1;
  let chiSquare = 0;
  if (expectedHits > 0) {
    const perTarget = expectedHits / k;
    for (const t of expected) chiSquare += (countOf(t) - perTarget) ** 2 / perTarget;
  }
  // One target cannot be shared unevenly: the statistic is 0 and the p-value 1.
  const pValue = df === 0 || expectedHits === 0 ? 1 : chiSquareSurvival(chiSquare, df);

  let reason: string;
  if (n === 0) reason = 'no hits observed';
  else if (unexpected.length > 0)
    reason = `traffic reached targets that are not expected: ${unexpected.join(', ')}`;
  else if (missing.length > 0) reason = `expected targets got no traffic: ${missing.join(', ')}`;
  else if (pValue < alpha) {
    reason = `shares are uneven: chi-square ${chiSquare.toFixed(2)} (df ${df}), p = ${formatP(pValue)} < alpha ${alpha}`;
  } else {
    reason = `shares consistent with round robin: chi-square ${chiSquare.toFixed(2)} (df ${df}), p = ${formatP(pValue)}`;
  }
  const consistent = n > 0 && unexpected.length === 0 && missing.length === 0 && pValue >= alpha;
  return { n, k, chiSquare, df, pValue, alpha, consistent, shares, missing, unexpected, reason };
}

/**
 * Cohen's w^2 of the skewed alternative against uniform shares over k targets: `heavy` targets each carry
 * weight `skew`, the others weight 1 - skew. For even k with heavy = k / 2 that is exactly "one half of the
 * targets gets skew of the traffic, split evenly inside each half".
 */
function skewEffectSize(k: number, heavy: number, skew: number): number {
  const total = heavy * skew + (k - heavy) * (1 - skew);
  const uniform = 1 / k;
  let w2 = 0;
  for (let i = 0; i < k; i++) {
    const p = (i < heavy ? skew : 1 - skew) / total;
    w2 += (p - uniform) ** 2 / uniform;
  }
  return w2;
}

/**
 * Cohen's w^2 of each reading of the skew over k targets: one for even k (a half of them heavy), two for odd
 * k (floor(k/2) or ceil(k/2) of them heavy).
 */
export function skewEffectSizes(k: number, skew: number): number[] {
  return [...new Set([Math.floor(k / 2), Math.ceil(k / 2)])].map((heavy) => skewEffectSize(k, heavy, skew));
}

/** Power of the level-alpha test with n hits when the true effect size is w2 (noncentrality n * w2). */
export function evenSharesPower(
  n: number,
  k: number,
  w2: number,
  alpha: number = defaults.roundRobin.alpha,
): number {
  const df = k - 1;
  return 1 - noncentralChiSquareCdf(chiSquareCritical(alpha, df), df, n * w2);
}

const MAX_SAMPLE_SIZE = 10_000_000;

/**
 * The number of requests (a multiple of the target count) that gives the even-shares test at least the
 * wanted power against a skew: one half of the targets gets `skew` (default 70%) of the traffic, the other
 * half the rest, split evenly inside each half. Computed from the noncentral chi-square distribution.
 *
 * Odd k has no halves. The skew is then read as a per-target ratio (each "heavy" target gets skew : 1 - skew
 * as much as each "light" one, as it does for even k), and the heavy group is either floor(k/2) or ceil(k/2)
 * targets; the size returned is the larger of the two, so the power holds for both readings.
 * With one target there is nothing to compare: returns 1.
 */
export function defaultSampleSize(
  targets: number,
  options: { alpha?: number; power?: number; skew?: number } = {},
): number {
  const alpha = options.alpha ?? defaults.roundRobin.alpha;
  const power = options.power ?? defaults.roundRobin.power;
  const skew = options.skew ?? defaults.roundRobin.skew;
  checkAlpha(alpha);
  if (!(Number.isInteger(targets) && targets >= 1)) {
    throw new RangeError(`targets must be a positive integer, got ${targets}`);
  }
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be within (0, 1), got ${power}`);
  if (!(skew > 0.5 && skew < 1)) throw new RangeError(`skew must be within (0.5, 1), got ${skew}`);
  const k = targets;
  if (k === 1) return 1;

  return Math.max(...skewEffectSizes(k, skew).map((w2) => smallestSufficientMultiple(k, w2, alpha, power)));
}

/** One look part-way through the sample: stop and accept the shares as even when the statistic is below a bound. */
export interface InterimLook {
  /** Requests answered at the look (a multiple of the target count). */
  n: number;
  /** Accept at this look when every expected target was hit and the chi-square statistic is below this. */
  acceptBelow: number;
  /** The chance that a skewed balancer is accepted here: this look's share of the allowed miss rate. */
  missRate: number;
}

/** A sample size with looks before it where an evenly spread sample may stop early. */
export interface SamplingPlan {
  looks: InterimLook[];
  /** The most requests: at this size the level-alpha test decides, as with a fixed sample. */
  n: number;
}

/**
 * Where an even-shares sample may stop early, and how much of the allowed miss rate (1 - power) each stop
 * spends. A look only ever accepts; rejection stays the level-alpha test of the whole sample, so the
 * false-fail rate cannot rise. Early acceptance of a skewed balancer happens at each look with at most its
 * miss rate (the noncentral chi-square's quantile there), and the union bound keeps the overall power.
 */
const interimLooks: readonly { fraction: number; missShare: number }[] = [
  { fraction: 1 / 4, missShare: 0.2 },
  { fraction: 1 / 2, missShare: 0.3 },
];

/** The x with noncentral chi-square CDF(x) = p (bisection; the CDF rises with x). */
function noncentralChiSquareQuantile(p: number, df: number, lambda: number): number {
  let lo = 0;
  let hi = df + lambda;
  while (noncentralChiSquareCdf(hi, df, lambda) < p) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-9; i++) {
    const mid = (lo + hi) / 2;
    if (noncentralChiSquareCdf(mid, df, lambda) < p) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** Plans already worked out, by their inputs: every graded student behind a 2-target ALB gets the same one. */
const plans = new Map<string, SamplingPlan>();
const maxPlansKept = 64;

/**
 * The default sample for the even-shares test as a plan with early looks: a sample that is clearly even at
 * a quarter or at half of the full size stops there; one that is not goes on to the full size, which is
 * defaultSampleSize's at the power the looks leave over. Against the skew it keeps at least the wanted
 * power overall; the level is alpha as before. A look whose bound would be 0 (too few requests to accept
 * anything at its miss rate) is left out. One target: nothing to compare, a single request.
 */
export function defaultSamplingPlan(
  targets: number,
  options: { alpha?: number; power?: number; skew?: number } = {},
): SamplingPlan {
  const alpha = options.alpha ?? defaults.roundRobin.alpha;
  const power = options.power ?? defaults.roundRobin.power;
  const skew = options.skew ?? defaults.roundRobin.skew;
  const key = `${targets}/${alpha}/${power}/${skew}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = workOutSamplingPlan(targets, alpha, power, skew);
    if (plans.size >= maxPlansKept) plans.delete(plans.keys().next().value as string);
    plans.set(key, plan);
  }
  // A copy: the kept plan serves every later caller, whatever this one does with its own.
  return { looks: plan.looks.map((look) => ({ ...look })), n: plan.n };
}

function workOutSamplingPlan(targets: number, alpha: number, power: number, skew: number): SamplingPlan {
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be within (0, 1), got ${power}`);
  const missRate = 1 - power;
  const lookMiss = interimLooks.reduce((sum, look) => sum + look.missShare * missRate, 0);
  const n = defaultSampleSize(targets, { alpha, power: 1 - (missRate - lookMiss), skew });
  if (targets === 1) return { looks: [], n };
  const k = targets;
  const df = k - 1;
  // The milder of the skew's readings (odd k): its statistic runs lowest, so its bound is the safe one.
  const w2 = Math.min(...skewEffectSizes(k, skew));
  const critical = chiSquareCritical(alpha, df);
  const looks: InterimLook[] = [];
  for (const { fraction, missShare } of interimLooks) {
    const atLook = Math.max(k, Math.round((n * fraction) / k) * k);
    if (atLook >= n) continue;
    const miss = missShare * missRate;
    const acceptBelow = Math.min(critical, noncentralChiSquareQuantile(miss, df, atLook * w2));
    if (acceptBelow > 0) looks.push({ n: atLook, acceptBelow, missRate: miss });
  }
  return { looks, n };
}

/** Whether a look accepts: every expected target hit, no other target, the statistic below the look's bound. */
export function acceptsAtLook(
  counts: Record<string, number>,
  expectedTargets: string[],
  look: InterimLook,
): boolean {
  const test = testEvenShares(counts, expectedTargets);
  return test.missing.length === 0 && test.unexpected.length === 0 && test.chiSquare < look.acceptBelow;
}

/** Smallest n = m * k with power >= wanted; the power grows with n, so doubling then bisection finds it. */
function smallestSufficientMultiple(k: number, w2: number, alpha: number, power: number): number {
  const enough = (m: number): boolean => evenSharesPower(m * k, k, w2, alpha) >= power;
  let hi = 1;
  while (!enough(hi)) {
    hi *= 2;
    if (hi * k > MAX_SAMPLE_SIZE) {
      throw new RangeError(
        `no sample size up to ${MAX_SAMPLE_SIZE} reaches power ${power}; is the skew too small?`,
      );
    }
  }
  let lo = Math.floor(hi / 2); // not enough (or 0)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (enough(mid)) hi = mid;
    else lo = mid;
  }
  return hi * k;
}
