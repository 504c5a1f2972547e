// The error rate the errorRate stop looks at: failed outcomes over all outcomes in the last few
// seconds. A failed outcome is a connection error, a timeout or a non-2xx response.

import type { LoadSecond } from './results.ts';

/** Below this many outcomes in the window the rate is too noisy to stop a run on. */
export const MIN_OUTCOMES_FOR_ERROR_RATE = 10;

export interface ErrorRate {
  rate: number;
  outcomes: number;
}

export function errorRateOver(series: readonly LoadSecond[], windowS: number): ErrorRate {
  let outcomes = 0;
  let failed = 0;
  for (const s of series.slice(-windowS)) {
    outcomes += s.requests + s.errors;
    failed += s.errors + s.non2xx;
  }
  return { rate: outcomes === 0 ? 0 : failed / outcomes, outcomes };
}

export function errorRateExceeded(
  series: readonly LoadSecond[],
  windowS: number,
  threshold: number,
): boolean {
  const { rate, outcomes } = errorRateOver(series, windowS);
  return outcomes >= MIN_OUTCOMES_FOR_ERROR_RATE && rate > threshold;
}
