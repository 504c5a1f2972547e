// The load generator's public surface.

export { checkLoadTarget, TargetRefused } from './allowedHost.ts';
export { errorRateExceeded, errorRateOver, MIN_OUTCOMES_FOR_ERROR_RATE } from './errorRate.ts';
export { LatencyHistogram } from './latencyHistogram.ts';
export { LIMITS, type LoadPlan, LoadPlanError, type RampStep, validateLoadPlan } from './plan.ts';
export {
  createLoadProgress,
  type Figure,
  formatLoadLine,
  type LoadProgress,
  type LoadProgressOptions,
  type LoadSummary,
  summarizeLoad,
} from './progress.ts';
export type { LatencySummary, LoadResult, LoadSecond, LoadTotals, StopReason } from './results.ts';
export { CONNECT_STORM_ERRORS, runLoad } from './runLoad.ts';
export { MAX_SAMPLED_BODY_CHARS, TargetSampler } from './targetSampler.ts';
