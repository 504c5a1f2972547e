// Whether the ALB keeps serving while the group loses an instance: a bounded poller (the one polling loop,
// probes/poller.ts) sends one GET at a time through the load balancer (a fresh connection each, so the ALB
// picks a target per request) and records each answer; servingGaps turns the answers into the error window
// and the longest stretch without a served answer. The poller stops by itself after maxRequests or
// maxDurationMs.

import { HttpProbeError, type HttpProbeOptions, httpGet } from '../http.ts';
import { type PagePatterns, readInstancePage } from '../page.ts';
import { type Sampler, startSampler } from '../poller.ts';

export interface ServingAnswer {
  /** Epoch ms when the request started. */
  atMs: number;
  ms: number;
  status: number | null;
  /** Transport error kind, when there was no HTTP answer. */
  error: string | null;
  instanceId: string | null;
}

/** A 2xx/3xx answer counts as served; a 5xx, a 4xx or no answer at all counts as an error. */
export function isServed(answer: ServingAnswer): boolean {
  return answer.status !== null && answer.status < 400;
}

export interface ServingPollerOptions {
  url: string;
  http: HttpProbeOptions;
  everyMs: number;
  maxRequests: number;
  maxDurationMs: number;
  patterns?: PagePatterns;
  onAnswer?: (answer: ServingAnswer) => void;
}

async function askOnce(options: ServingPollerOptions): Promise<ServingAnswer> {
  const atMs = Date.now();
  const t0 = performance.now();
  try {
    const response = await httpGet(options.url, { ...options.http, freshConnection: true });
    return {
      atMs,
      ms: performance.now() - t0,
      status: response.status,
      error: null,
      instanceId: readInstancePage(response.body, options.patterns).instanceId,
    };
  } catch (error) {
    const kind = error instanceof HttpProbeError ? error.kind : 'other';
    return {
      atMs,
      ms: performance.now() - t0,
      status: null,
      error: kind,
      instanceId: null,
    };
  }
}

/** Starts asking the ALB; the answers are the sampler's samples, oldest first. */
export function startServingPoller(options: ServingPollerOptions): Sampler<ServingAnswer> {
  return startSampler(
    () => askOnce(options),
    { everyMs: options.everyMs, maxPolls: options.maxRequests, maxDurationMs: options.maxDurationMs },
    options.onAnswer,
  );
}

export interface ServingGaps {
  requests: number;
  served: number;
  errors: number;
  /** First error to last error after `fromMs` (ms), 0 when there was none. */
  errorWindowMs: number;
  firstErrorAtMs: number | null;
  lastErrorAtMs: number | null;
  /** Longest time between two served answers (or from `fromMs` to the first one), ms. */
  longestOutageMs: number;
}

/** The error window and longest outage among the answers at or after `fromMs`. */
export function servingGaps(answers: readonly ServingAnswer[], fromMs: number): ServingGaps {
  const after = answers.filter((a) => a.atMs >= fromMs).sort((a, b) => a.atMs - b.atMs);
  const errors = after.filter((a) => !isServed(a));
  let longest = 0;
  let lastServed = fromMs;
  for (const answer of after) {
    if (!isServed(answer)) continue;
    longest = Math.max(longest, answer.atMs - lastServed);
    lastServed = answer.atMs;
  }
  // An outage still going at the end counts up to the last answer.
  const last = after.at(-1);
  if (last && !isServed(last)) longest = Math.max(longest, last.atMs + last.ms - lastServed);
  const firstError = errors[0]?.atMs ?? null;
  const lastError = errors.at(-1) ?? null;
  return {
    requests: after.length,
    served: after.length - errors.length,
    errors: errors.length,
    errorWindowMs: firstError !== null && lastError !== null ? lastError.atMs + lastError.ms - firstError : 0,
    firstErrorAtMs: firstError,
    lastErrorAtMs: lastError?.atMs ?? null,
    longestOutageMs: Math.round(longest),
  };
}
