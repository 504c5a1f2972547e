// The scale-out drill's load: the lab's `ab -n 200000 -c 1000 http://ALB/` as a ramp through the ALB only.
// Each step holds a level of connections (1/16, 1/4, then all of the cap) for a tenth of the time limit
// (scaleOut in config/defaults.ts), until average CPU passes the target; then the level holds until the drill's `done` says the load has done
// its job, or the time limit, the request cap, an abort or an ALB failing almost every request ends it.

import { defaults } from '../config/defaults.ts';
import { type LoadResult, type LoadSecond, runLoad } from '../loadgen/index.ts';
import { type PagePatterns, readServingInstance } from '../probes/page.ts';
import type { ScaleOutObservation } from './scaleOutObservation.ts';
import { round1 } from './scaleOutVerdict.ts';

export interface ScaleOutLoadCaps {
  /** Most connections at once; the ramp steps use shares of it. The lab's ab used -c 1000. */
  connections: number;
  /** Most requests over the whole drill. */
  maxRequests: number;
  /** Overall requests per second cap, if any. */
  rate?: number;
  /** Seconds before an unanswered request counts as a timeout. */
  requestTimeoutS?: number;
}

/** Connections per ramp step: shares of the cap (scaleOut.rampConnectionShares), distinct, at least 1. */
export function rampLevels(cap: number): number[] {
  const levels = defaults.scaleOut.rampConnectionShares.map((share) => Math.max(1, Math.ceil(cap * share)));
  return [...new Set(levels)];
}

/** Seconds each ramp step holds before the next one: a share of the time limit, within bounds. */
export function rampStepSeconds(timeoutS: number): number {
  const { rampStepTimeoutDivisor, rampStepMinS, rampStepMaxS } = defaults.scaleOut;
  return Math.min(rampStepMaxS, Math.max(rampStepMinS, Math.round(timeoutS / rampStepTimeoutDivisor)));
}

export interface RampPlan {
  /** The app through the ALB; the load's only allowed host is this URL's host. */
  url: string;
  caps: ScaleOutLoadCaps;
  /** The load's duration cap. */
  timeoutS: number;
  patterns?: PagePatterns;
  signal: AbortSignal;
  /** The load has done its job: end it. */
  done: () => boolean;
  /** Average CPU passed the target: hold the current level. */
  cpuReached: () => boolean;
  /** A step starts with this many connections. */
  onStep?: (connections: number) => void;
  /** One second of load, at epoch ms `atMs`. */
  onSecond: (second: LoadSecond, atMs: number) => void;
  onWarning?: (warning: string) => void;
}

/** What the ramp sent, kept up to date step by step so that an interrupted ramp still says what it sent. */
export type LoadTally = ScaleOutObservation['load'];

/** Runs the ramp, counting into `tally`; its duration and why it stopped are set however it ends. */
export async function runRamp(plan: RampPlan, tally: LoadTally): Promise<void> {
  const levels = rampLevels(plan.caps.connections);
  const stepS = rampStepSeconds(plan.timeoutS);
  const host = new URL(plan.url).host;
  const identify = (body: string) => readServingInstance(body, plan.patterns).instanceId;
  const startMs = Date.now();
  const deadline = startMs + plan.timeoutS * 1000;
  let sent = 0;
  let level = 0;
  let lastResult: LoadResult | null = null;
  try {
    while (!plan.signal.aborted) {
      const remainingS = (deadline - Date.now()) / 1000;
      const requestsLeft = plan.caps.maxRequests - sent;
      if (remainingS < 1 || requestsLeft < 1 || plan.done()) break;
      const holding = plan.cpuReached() || level === levels.length - 1;
      const connections = levels[level] as number;
      tally.peakConnections = Math.max(tally.peakConnections, connections);
      plan.onStep?.(connections);
      const stepStartMs = Date.now();
      const result = await runLoad({
        url: plan.url,
        allowedHosts: [host],
        connections,
        durationS: holding ? remainingS : Math.min(stepS, remainingS),
        maxRequests: requestsLeft,
        ...(plan.caps.rate !== undefined ? { rate: plan.caps.rate } : {}),
        requestTimeoutS: plan.caps.requestTimeoutS ?? defaults.loadgen.requestTimeoutS,
        stopWhen: {
          errorRateAbove: defaults.scaleOut.stopErrorRate,
          errorWindowS: defaults.scaleOut.errorWindowS,
          condition: () => plan.done() || (!holding && plan.cpuReached()),
        },
        sampleTargets: { every: defaults.scaleOut.sampleTargetsEvery, identify },
        signal: plan.signal,
        onSecond: (s: LoadSecond) => plan.onSecond(s, stepStartMs + s.t * 1000),
      });
      lastResult = result;
      sent += result.totals.sent;
      tally.requests += result.totals.requests;
      tally.errors += result.totals.errors;
      tally.non2xx += result.totals.non2xx;
      for (const warning of result.warnings.slice(0, 3)) plan.onWarning?.(warning);
      if (['aborted', 'errorRate', 'maxRequests'].includes(result.stoppedBy)) break;
      if (result.stoppedBy === 'condition' && plan.done()) break;
      if (holding && result.stoppedBy === 'duration') break;
      if (!holding && !plan.cpuReached()) level += 1;
    }
  } finally {
    tally.durationS = round1((Date.now() - startMs) / 1000);
    tally.stoppedBy = plan.signal.aborted
      ? 'aborted'
      : plan.done()
        ? 'condition'
        : (lastResult?.stoppedBy ?? 'duration');
  }
}
