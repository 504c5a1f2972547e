// Chi-square distribution functions: the central ones come from jstat, the noncentral CDF (needed for power
// calculations) is a Poisson mixture of central ones.
import { createRequire } from 'node:module';

// jstat ships no type declarations; this is the subset used here. Loaded through require so that no ambient
// module declaration is needed (which could clash with another one elsewhere in the tree).
interface JStatSubset {
  chisquare: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
  gammaln(x: number): number;
}
const jStat = createRequire(import.meta.url)('jstat') as JStatSubset;

function assertDegrees(df: number): void {
  if (!(Number.isInteger(df) && df >= 1))
    throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
}

/** P(X <= x) for X ~ chi-square(df). */
export function chiSquareCdf(x: number, df: number): number {
  assertDegrees(df);
  if (x <= 0) return 0;
  return Math.min(1, Math.max(0, jStat.chisquare.cdf(x, df)));
}

/** P(X > x) for X ~ chi-square(df): the p-value of an observed statistic x. */
export function chiSquareSurvival(x: number, df: number): number {
  return 1 - chiSquareCdf(x, df);
}

/** The x with P(X > x) = alpha for X ~ chi-square(df): the critical value of a level-alpha test. */
export function chiSquareCritical(alpha: number, df: number): number {
  assertDegrees(df);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be within (0, 1), got ${alpha}`);
  return jStat.chisquare.inv(1 - alpha, df);
}

/**
 * P(X <= x) for X ~ noncentral chi-square(df, lambda):
 *   sum over j >= 0 of Poisson(j; lambda / 2) * P(chi-square(df + 2j) <= x).
 * The sum runs over the Poisson weights' bulk (mean ± 12 standard deviations, plus a margin), which leaves
 * out less than 1e-15 of the mass.
 */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  assertDegrees(df);
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new RangeError(`noncentrality must be >= 0, got ${lambda}`);
  if (x <= 0) return 0;
  if (lambda === 0) return chiSquareCdf(x, df);
  const mu = lambda / 2;
  const spread = 12 * Math.sqrt(mu) + 30;
  const first = Math.max(0, Math.floor(mu - spread));
  const last = Math.ceil(mu + spread);
  let total = 0;
  for (let j = first; j <= last; j++) {
    const logWeight = -mu + j * Math.log(mu) - jStat.gammaln(j + 1);
    total += Math.exp(logWeight) * chiSquareCdf(x, df + 2 * j);
  }
  return Math.min(1, Math.max(0, total));
}
