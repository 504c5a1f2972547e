// Whether the ALB keeps serving while the group loses an instance: a bounded poller (the one polling loop,
// probes/poller.ts) sends one GET at a time through the load balancer (a fresh connection each, so the ALB
// picks a target per request) and records each answer with judgeAppPage's verdict; servingGaps turns the
// answers into the error window and the longest stretch without a served answer. The poller stops by itself
// after maxRequests or maxDurationMs.

import { HttpProbeError, type HttpProbeOptions, httpGet } from '../http.ts';
import { judgeAppPage, type PagePatterns, readServingInstance } from '../page.ts';
import { type Sampler, startSampler } from '../poller.ts';

/** Longest problem text kept per answer. */
export const MAX_PROBLEM_CHARS = 200;

export interface ServingAnswer {
  /** Epoch ms when the request started. */
  atMs: number;
  ms: number;
  status: number | null;
  /** Transport error kind, when there was no HTTP answer. */
  error: string | null;
  instanceId: string | null;
  /**
   * The app was up in this answer (judgeAppPage: 200 and no database error on the page); a 5xx, a 4xx, a
   * redirect, a page with a database error or no answer at all counts as an error.
   */
  served: boolean;
  /** Why not served: the page's database error, the HTTP status, or the transport error; null when served. */
  problem: string | null;
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
    const verdict = judgeAppPage(response.status, response.body);
    return {
      atMs,
      ms: performance.now() - t0,
      status: response.status,
      error: null,
      instanceId: readServingInstance(response.body, options.patterns).instanceId,
      served: verdict.healthy,
      problem: verdict.healthy
        ? null
        : (verdict.problem ?? `HTTP ${response.status}`).slice(0, MAX_PROBLEM_CHARS),
    };
  } catch (error) {
    const kind = error instanceof HttpProbeError ? error.kind : 'other';
    return {
      atMs,
      ms: performance.now() - t0,
      status: null,
      error: kind,
      instanceId: null,
      served: false,
      problem: `no HTTP answer (${kind})`,
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

/** The distinct reasons answers were not served, most frequent first (at most `limit`), with their counts. */
export function servingProblems(
  answers: readonly ServingAnswer[],
  limit = 3,
): { problem: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const answer of answers) {
    if (answer.problem !== null) counts.set(answer.problem, (counts.get(answer.problem) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([problem, count]) => ({ problem, count }));
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
  const errors = after.filter((a) => !a.served);
  let longest = 0;
  let lastServed = fromMs;
  for (const answer of after) {
    if (!answer.served) continue;
    longest = Math.max(longest, answer.atMs - lastServed);
    lastServed = answer.atMs;
  }
  // An outage still going at the end counts up to the last answer.
  const last = after.at(-1);
  if (last && !last.served) longest = Math.max(longest, last.atMs + last.ms - lastServed);
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
