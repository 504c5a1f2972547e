// A load plan says where load goes, how much, and what stops it. validateLoadPlan turns it into a
// checked plan or one clear one-line error, before anything touches the network.

import { defaults } from '../config/defaults.ts';
import { checkLoadTarget } from './allowedHost.ts';
import type { LoadSecond } from './results.ts';

export interface RampStep {
  connections: number;
  /** Overall requests per second cap for this step. */
  rate?: number;
  holdS: number;
}

export interface LoadPlan {
  url: string;
  /** Only these hosts may be targeted ('host' or 'host:port'): the configured ALB host. */
  allowedHosts: string[];
  /** Hard cap on open connections; ramp steps may use fewer, never more. */
  connections: number;
  /** Hard cap on the whole run, in seconds. */
  durationS: number;
  /** Hard cap on requests written, over the whole run. */
  maxRequests?: number;
  /** Overall requests per second cap. */
  rate?: number;
  ramp?: { steps: RampStep[] };
  stopWhen?: {
    /** Stop when (errors + non-2xx) / outcomes over the last `errorWindowS` seconds exceeds this (0..1). */
    errorRateAbove?: number;
    /** Seconds the error rate is taken over; defaults.loadgen.errorWindowS unless set. */
    errorWindowS?: number;
    /** Polled once a second (never two at once); true stops the run, e.g. desired capacity rose. */
    condition?: () => boolean | Promise<boolean>;
  };
  sampleTargets?: {
    /** Read about 1 of every `every` response bodies (randomised gaps, so round robin can't alias). */
    every: number;
    /** Names the target that served a body (e.g. the instance id on the page), or null. */
    identify: (body: string) => string | null;
  };
  /** Seconds before an unanswered request is a timeout; defaults.loadgen.requestTimeoutS unless set. */
  requestTimeoutS?: number;
  onSecond?: (s: LoadSecond) => void;
  signal?: AbortSignal;
}

/** The ranges a plan's numbers must lie in (config/defaults.ts says why each is what it is). */
export const LIMITS = defaults.loadLimits;

export class LoadPlanError extends Error {
  override readonly name = 'LoadPlanError';
}

/** A plan that passed validation, with defaults filled in. */
export interface CheckedPlan {
  url: URL;
  connections: number;
  durationS: number;
  maxRequests: number | null;
  steps: RampStep[];
  /** True when the steps came from plan.ramp (so finishing them is 'done', not 'duration'). */
  ramped: boolean;
  errorRateAbove: number | null;
  errorWindowS: number;
  condition: (() => boolean | Promise<boolean>) | null;
  sampleEvery: number | null;
  identify: ((body: string) => string | null) | null;
  requestTimeoutS: number;
  onSecond: ((s: LoadSecond) => void) | null;
  signal: AbortSignal | null;
}

function requireNumber(
  name: string,
  value: unknown,
  range: { min: number; max: number },
  integer: boolean,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new LoadPlanError(`${name} must be a number, got ${JSON.stringify(value)}`);
  }
  if (integer && !Number.isInteger(value))
    throw new LoadPlanError(`${name} must be a whole number, got ${value}`);
  if (value < range.min || value > range.max) {
    throw new LoadPlanError(`${name} must be within ${range.min}..${range.max}, got ${value}`);
  }
  return value;
}

function requireFunction<T>(name: string, value: T): T {
  if (typeof value !== 'function') throw new LoadPlanError(`${name} must be a function`);
  return value;
}

export function validateLoadPlan(plan: LoadPlan): CheckedPlan {
  if (typeof plan !== 'object' || plan === null) throw new LoadPlanError('load plan must be an object');
  if (typeof plan.url !== 'string') throw new LoadPlanError('url must be a string');
  if (!Array.isArray(plan.allowedHosts) || plan.allowedHosts.some((h) => typeof h !== 'string')) {
    throw new LoadPlanError('allowedHosts must be a list of host names');
  }
  let url: URL;
  try {
    url = checkLoadTarget(plan.url, plan.allowedHosts);
  } catch (error) {
    throw new LoadPlanError((error as Error).message);
  }

  const connections = requireNumber('connections', plan.connections, LIMITS.connections, true);
  const durationS = requireNumber('durationS', plan.durationS, LIMITS.durationS, false);
  const maxRequests =
    plan.maxRequests === undefined
      ? null
      : requireNumber('maxRequests', plan.maxRequests, LIMITS.maxRequests, true);
  const rate = plan.rate === undefined ? undefined : requireNumber('rate', plan.rate, LIMITS.rate, true);
  const requestTimeoutS =
    plan.requestTimeoutS === undefined
      ? defaults.loadgen.requestTimeoutS
      : requireNumber('requestTimeoutS', plan.requestTimeoutS, LIMITS.requestTimeoutS, false);

  let steps: RampStep[];
  const ramped = plan.ramp !== undefined;
  if (plan.ramp !== undefined) {
    const given = plan.ramp?.steps;
    if (!Array.isArray(given) || given.length === 0)
      throw new LoadPlanError('ramp.steps must list at least one step');
    if (given.length > LIMITS.rampSteps.max) {
      throw new LoadPlanError(
        `ramp.steps must have at most ${LIMITS.rampSteps.max} steps, got ${given.length}`,
      );
    }
    steps = given.map((step, i) => {
      const name = `ramp.steps[${i}]`;
      const stepConnections = requireNumber(
        `${name}.connections`,
        step.connections,
        LIMITS.connections,
        true,
      );
      if (stepConnections > connections) {
        throw new LoadPlanError(
          `${name}.connections (${stepConnections}) exceeds the plan's cap of ${connections}`,
        );
      }
      const stepRate =
        step.rate === undefined ? rate : requireNumber(`${name}.rate`, step.rate, LIMITS.rate, true);
      if (stepRate !== undefined && rate !== undefined && stepRate > rate) {
        throw new LoadPlanError(`${name}.rate (${stepRate}) exceeds the plan's rate cap of ${rate}`);
      }
      const holdS = requireNumber(`${name}.holdS`, step.holdS, LIMITS.rampHoldS, false);
      return stepRate === undefined
        ? { connections: stepConnections, holdS }
        : { connections: stepConnections, rate: stepRate, holdS };
    });
  } else {
    steps = [
      rate === undefined ? { connections, holdS: durationS } : { connections, rate, holdS: durationS },
    ];
  }

  const stopWhen = plan.stopWhen ?? {};
  const errorRateAbove =
    stopWhen.errorRateAbove === undefined
      ? null
      : requireNumber('stopWhen.errorRateAbove', stopWhen.errorRateAbove, { min: 0, max: 1 }, false);
  const errorWindowS =
    stopWhen.errorWindowS === undefined
      ? defaults.loadgen.errorWindowS
      : requireNumber('stopWhen.errorWindowS', stopWhen.errorWindowS, LIMITS.errorWindowS, true);
  const condition =
    stopWhen.condition === undefined ? null : requireFunction('stopWhen.condition', stopWhen.condition);

  let sampleEvery: number | null = null;
  let identify: ((body: string) => string | null) | null = null;
  if (plan.sampleTargets !== undefined) {
    sampleEvery = requireNumber('sampleTargets.every', plan.sampleTargets.every, LIMITS.sampleEvery, true);
    identify = requireFunction('sampleTargets.identify', plan.sampleTargets.identify);
  }
  const onSecond = plan.onSecond === undefined ? null : requireFunction('onSecond', plan.onSecond);
  const signal = plan.signal ?? null;
  if (signal !== null && !(signal instanceof AbortSignal))
    throw new LoadPlanError('signal must be an AbortSignal');

  return {
    url,
    connections,
    durationS,
    maxRequests,
    steps,
    ramped,
    errorRateAbove,
    errorWindowS,
    condition,
    sampleEvery,
    identify,
    requestTimeoutS,
    onSecond,
    signal,
  };
}
