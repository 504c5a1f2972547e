// Counts what happens during a run, per second and in total: responses, errors, non-2xx,
// latency. Fed from autocannon's per-client events on the hot path, so every method is O(1).

import { LatencyHistogram } from './latencyHistogram.ts';
import type { LoadSecond, LoadTotals } from './results.ts';

interface Counts {
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  bytes: number;
}

function zeroCounts(): Counts {
  return { requests: 0, errors: 0, timeouts: 0, non2xx: 0, bytes: 0 };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export class LoadMeter {
  /** Requests written to the wire. */
  sent = 0;
  private second = zeroCounts();
  private readonly secondLatency = new LatencyHistogram();
  private readonly total = zeroCounts();
  private readonly totalLatency = new LatencyHistogram();

  onSent(): void {
    this.sent += 1;
  }

  onResponse(statusCode: number, bytes: number, latencyMs: number): void {
    this.second.requests += 1;
    this.second.bytes += bytes;
    if (statusCode < 200 || statusCode >= 300) this.second.non2xx += 1;
    this.secondLatency.record(latencyMs);
  }

  onError(timedOut: boolean): void {
    this.second.errors += 1;
    if (timedOut) this.second.timeouts += 1;
  }

  /** Closes the current second: its figures become a LoadSecond and join the totals. */
  takeSecond(t: number, seconds: number, targets: Record<string, number>): LoadSecond {
    const s = this.second;
    const entry: LoadSecond = {
      t,
      requests: s.requests,
      rps: seconds > 0 ? round(s.requests / seconds, 1) : 0,
      errors: s.errors,
      timeouts: s.timeouts,
      non2xx: s.non2xx,
      latencyP50Ms: round(this.secondLatency.percentile(50), 3),
      latencyP99Ms: round(this.secondLatency.percentile(99), 3),
      targets,
    };
    this.foldSecondIntoTotals();
    return entry;
  }

  /** Adds the current (partial) second to `into`, for a tail too short to stand as its own second. */
  foldSecondInto(into: LoadSecond, seconds: number, targets: Record<string, number>): void {
    const s = this.second;
    into.requests += s.requests;
    into.errors += s.errors;
    into.timeouts += s.timeouts;
    into.non2xx += s.non2xx;
    into.rps = round(into.requests / seconds, 1);
    for (const [name, count] of Object.entries(targets))
      into.targets[name] = (into.targets[name] ?? 0) + count;
    this.foldSecondIntoTotals();
  }

  private foldSecondIntoTotals(): void {
    const s = this.second;
    this.total.requests += s.requests;
    this.total.errors += s.errors;
    this.total.timeouts += s.timeouts;
    this.total.non2xx += s.non2xx;
    this.total.bytes += s.bytes;
    this.totalLatency.add(this.secondLatency);
    this.second = zeroCounts();
    this.secondLatency.reset();
  }

  totals(elapsedS: number): LoadTotals {
    const t = this.total;
    const h = this.totalLatency;
    return {
      requests: t.requests,
      sent: this.sent,
      errors: t.errors,
      timeouts: t.timeouts,
      non2xx: t.non2xx,
      bytes: t.bytes,
      rpsMean: elapsedS > 0 ? round(t.requests / elapsedS, 1) : 0,
      latency: {
        p50: round(h.percentile(50), 3),
        p90: round(h.percentile(90), 3),
        p99: round(h.percentile(99), 3),
        max: round(h.max(), 3),
        mean: round(h.mean(), 3),
      },
    };
  }
}
