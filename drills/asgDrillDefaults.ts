// The Auto Scaling drills' default figures, kept together, each with why, for config/defaults.ts to take in:
// the lab's CPU target, the scale-out's load caps and stop rules, the self-heal's ALB poller.

/** The lab's target value (seed 002), for messages when the group has no policy and the stack file says none. */
export const LAB_CPU_TARGET = 7;

export interface ScaleOutLoadCaps {
  /** Most connections at once; the ramp steps use fractions of it. The lab's ab used -c 1000. */
  connections: number;
  /** Most requests over the whole drill. */
  maxRequests: number;
  /** Overall requests per second cap, if any. */
  rate?: number;
  /** Seconds before an unanswered request counts as a timeout. */
  requestTimeoutS?: number;
}

/** The lab's `ab -c 1000`, with a request cap ten times its -n so that a slow policy still sees load. */
export const defaultScaleOutLoad: ScaleOutLoadCaps = {
  connections: 1000,
  maxRequests: 2_000_000,
  requestTimeoutS: 10,
};

/** A request unanswered this long is a timeout, when the caps do not say (as defaultScaleOutLoad). */
export const SCALE_OUT_REQUEST_TIMEOUT_S = 10;

/** The load stops when more than this share of requests failed within SCALE_OUT_ERROR_WINDOW_S: the ALB is down. */
export const SCALE_OUT_STOP_ERROR_RATE = 0.9;
export const SCALE_OUT_ERROR_WINDOW_S = 10;

/** Every this many responses, one is read for the instance that served it (the "serving traffic" phase). */
export const SCALE_OUT_SAMPLE_TARGETS_EVERY = 50;

/** Most per-second rows kept for the evidence series (over an hour of load). */
export const SCALE_OUT_MAX_SERIES_ROWS = 4_000;

/** How long the group is watched beyond the load's time limit, for launches that finish after it. */
export const SCALE_OUT_OBSERVE_MARGIN_S = 120;

/** Between the self-heal poller's requests through the ALB: four a second shows a short outage. */
export const SELF_HEAL_SERVING_EVERY_MS = 250;

/** Longest wait for one of the self-heal poller's answers: a slower one is an outage, not a slow page. */
export const SELF_HEAL_ANSWER_TIMEOUT_MS = 3_000;

/** How long the group and the ALB are watched beyond the self-heal's time limit. */
export const SELF_HEAL_OBSERVE_MARGIN_S = 60;
