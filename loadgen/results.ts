// What a load run reports: one entry per second while it runs, and the totals at the end.

/** Why a run ended. 'done' means a ramp ran all its steps before the duration cap. */
export type StopReason = 'duration' | 'maxRequests' | 'errorRate' | 'condition' | 'aborted' | 'done';

export interface LoadSecond {
  /** Seconds since the start of the run (1 for the first second). */
  t: number;
  /** Responses received in this second. */
  requests: number;
  rps: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** The timeouts among `errors`. */
  timeouts: number;
  non2xx: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Sampled responses per identified target (e.g. instance id) in this second. */
  targets: Record<string, number>;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadTotals {
  /** Responses received (any status). */
  requests: number;
  /** Requests written to the wire, including ones never answered. */
  sent: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  bytes: number;
  rpsMean: number;
  /** Milliseconds, over every response. */
  latency: LatencySummary;
}

export interface LoadResult {
  url: string;
  startedAt: string;
  endedAt: string;
  stoppedBy: StopReason;
  totals: LoadTotals;
  series: LoadSecond[];
  /** Share (0..1) of sampled responses per identified target; shares sum to 1 when any was identified. */
  targetShares: Record<string, number>;
  /** Sampled responses that were read, and how many of them `identify` recognised. */
  sampling: { sampled: number; identified: number };
  /** Things that went wrong around the load without stopping it (a throwing callback …), bounded. */
  warnings: string[];
}
