import type { FailoverWatchSettings } from './failoverTarget.ts';

// The failover drills' default figures, kept together (each with why) until the one defaults table takes
// them: how often each observer looks, how long each look may take, and the margins around the watch.

/** Every look of the watch; the RTO and the window come from the thresholds. */
export const defaultWatchSettings: Omit<FailoverWatchSettings, 'rtoS' | 'observeS'> = {
  dnsEveryMs: 150,
  writeEveryMs: 100,
  appEveryMs: 250,
  statusEveryMs: 1000,
  warmupMs: 1500,
  tailMs: 1000,
  tcpProbe: true,
};

/** Heartbeat session timeouts: short, so that a failover shows as errors, not as a hang. */
export const HEARTBEAT_TIMEOUTS = {
  connectTimeoutMs: 1000,
  queryTimeoutMs: 2000,
  dnsTimeoutMs: 500,
} as const;

/** One DNS question or TCP connect during the watch: a lost answer must not hide the next ones. */
export const WATCH_LOOK_TIMEOUT_MS = 1000;

/** Most time one app page load of the watch takes (less when the run's HTTP timeout is shorter). */
export const WATCH_APP_TIMEOUT_MS = 3000;

/** The observers outlive warm-up, window and tail by this much, so that they never end before the watch. */
export const WATCH_OBSERVERS_MARGIN_MS = 5000;

/** How often the watch asks whether everything has recovered (the observers' latest looks). */
export const WATCH_RECOVERY_CHECK_MS = 100;

/** Resolving the endpoint name before the failover. */
export const ENDPOINT_RESOLVE_TIMEOUT_MS = 2000;

/** RDS events are read from this long before the failover call: AWS's clock and ours may differ a little. */
export const EVENTS_LOOKBACK_MS = 5000;

/**
 * When to try again after RDS-EVENT-0034. RDS does not document the window; labdrill assumes five minutes
 * after the last failover that completed (RDS-EVENT-0049), else after the refusal.
 */
export const FAILOVER_RETRY_AFTER_MS = 5 * 60_000;
