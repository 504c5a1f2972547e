import type { HttpProbeOptions } from '../../probes/http.ts';
import type { SqlAccess } from '../../probes/sql.ts';

// What the failover drills (rds.failover.drill, aurora.failover.drill) are given: how to reach the
// database and the app, and how to watch the failover.

export interface FailoverWatchSettings {
  /** thresholds.failoverRtoS: the pass mark for the measured recovery. */
  rtoS: number;
  /**
   * thresholds.failoverWindowS: how long the drill watches after the failover call. Longer than the RTO, so
   * that a slow recovery is measured (and judged against the RTO) rather than reported as none.
   */
  observeS: number;
  dnsEveryMs: number;
  writeEveryMs: number;
  appEveryMs: number;
  statusEveryMs: number;
  /** Observation before the failover call, so that the "before" side of every gap is seen. */
  warmupMs: number;
  /** Observation after recovery, so that the "after" side is seen more than once. */
  tailMs: number;
  /** TCP connects to the endpoint's current address (off where that address must not be contacted). */
  tcpProbe: boolean;
}

export interface FailoverDrillTarget {
  /** The SQL access once the endpoint is known (rds.sql overrides first), or why there is none. */
  sqlFor: (endpoint: { address: string; port: number }) => SqlAccess | string;
  /** rds.resolver or dns.resolver. */
  resolver?: string;
  /** The app through the ALB (alb.url). */
  appUrl?: string;
  http: HttpProbeOptions;
  watch: FailoverWatchSettings;
}
