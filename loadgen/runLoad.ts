// runLoad: capped, stoppable HTTP load on one allowed host, measured second by second. Duration and
// request caps always end the run, even against a target that never answers; connections never
// exceed the plan's cap; anything in the plan that is wrong is refused before a socket opens.

import { defaults } from '../config/defaults.ts';
import { type RunningStep, startStep } from './cannonStep.ts';
import { errorRateExceeded } from './errorRate.ts';
import { LoadMeter } from './loadMeter.ts';
import { type CheckedPlan, type LoadPlan, validateLoadPlan } from './plan.ts';
import type { LoadResult, LoadSecond, StopReason } from './results.ts';
import { TargetSampler } from './targetSampler.ts';

// Its own limits (the stop grace, the tail folded into the last second, the warnings kept, the connect storm
// that ends a run) are in config/defaults.ts under loadgen, each with why.
const { stopGraceMs, minTailS, maxWarnings } = defaults.loadgen;

/**
 * A second with at least this many failed connection attempts and not one response stops the run
 * (as 'errorRate') whatever the plan says: autocannon reconnects at once after a failure, so a
 * refused port or a failing DNS name turns into thousands of attempts a second, which is no load.
 */
export const CONNECT_STORM_ERRORS = defaults.loadgen.connectStormErrors;

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const checked = validateLoadPlan(plan);
  return new LoadRun(checked).run();
}

class LoadRun {
  private readonly meter = new LoadMeter();
  private readonly sampler: TargetSampler | null;
  private readonly series: LoadSecond[] = [];
  private readonly warnings: string[] = [];
  private stopReason: StopReason | null = null;
  private step: RunningStep | null = null;
  private stopGraceTimer: NodeJS.Timeout | null = null;
  /** Resolves the wait for the current step if even closing its sockets did not end it. */
  private abandonStep: (() => void) | null = null;
  private conditionPending = false;
  private ended = false;
  private startMs = 0;

  constructor(private readonly plan: CheckedPlan) {
    this.sampler = plan.sampleEvery === null ? null : new TargetSampler(plan.sampleEvery, plan.identify!);
  }

  private elapsedS(): number {
    return (performance.now() - this.startMs) / 1000;
  }

  private warn(message: string): void {
    if (this.warnings.length < maxWarnings) this.warnings.push(message.split('\n')[0]!.slice(0, 300));
  }

  private requestStop(reason: StopReason): void {
    if (this.stopReason === null) this.stopReason = reason;
    const step = this.step;
    if (step === null) return;
    step.stop();
    if (this.stopGraceTimer === null) {
      this.stopGraceTimer = setTimeout(() => {
        this.warn('load did not stop within the grace period; its connections were closed directly');
        step.destroyClients();
        this.stopGraceTimer = setTimeout(() => {
          this.warn('load generator did not report its end; the run was ended without it');
          this.abandonStep?.();
        }, stopGraceMs);
      }, stopGraceMs);
    }
  }

  async run(): Promise<LoadResult> {
    const { plan } = this;
    const startedAt = new Date();
    this.startMs = performance.now();
    if (plan.signal?.aborted) {
      this.stopReason = 'aborted';
      return this.result(startedAt);
    }

    const onAbort = () => this.requestStop('aborted');
    plan.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = setTimeout(() => this.requestStop('duration'), plan.durationS * 1000);
    let secondsTaken = 0;
    const ticker = setInterval(() => {
      secondsTaken += 1;
      this.closeSecond(secondsTaken, 1);
    }, 1000);

    try {
      await this.runSteps();
    } finally {
      this.ended = true;
      clearTimeout(deadline);
      clearInterval(ticker);
      if (this.stopGraceTimer !== null) clearTimeout(this.stopGraceTimer);
      plan.signal?.removeEventListener('abort', onAbort);
    }
    this.closeTail(secondsTaken);
    return this.result(startedAt);
  }

  private async runSteps(): Promise<void> {
    const { plan } = this;
    for (const step of plan.steps) {
      if (this.stopReason !== null) return;
      const remainingS = plan.durationS - this.elapsedS();
      if (remainingS <= 0) {
        this.requestStop('duration');
        return;
      }
      let maxRequests: number | undefined;
      if (plan.maxRequests !== null) {
        maxRequests = plan.maxRequests - this.meter.sent;
        if (maxRequests <= 0) {
          this.requestStop('maxRequests');
          return;
        }
      }
      const running = startStep({
        url: plan.url.href,
        connections: Math.min(step.connections, plan.connections),
        durationS: Math.min(step.holdS, remainingS),
        timeoutS: plan.requestTimeoutS,
        ...(step.rate === undefined ? {} : { rate: step.rate }),
        ...(maxRequests === undefined ? {} : { maxRequests }),
        meter: this.meter,
        sampler: this.sampler,
      });
      this.step = running;
      // A stop asked for between steps (or while this one was being set up) applies to this one too.
      if (this.stopReason !== null) this.requestStop(this.stopReason);
      const abandoned = new Promise<void>((resolve) => {
        this.abandonStep = resolve;
      });
      try {
        await Promise.race([running.finished, abandoned]);
      } finally {
        running.finished.catch(() => {}); // an abandoned step may still fail later; nobody waits for it
        this.abandonStep = null;
        this.step = null;
        if (this.stopGraceTimer !== null) {
          clearTimeout(this.stopGraceTimer);
          this.stopGraceTimer = null;
        }
      }
      if (plan.maxRequests !== null && this.meter.sent >= plan.maxRequests) {
        this.requestStop('maxRequests');
        return;
      }
    }
    if (this.stopReason === null) this.stopReason = plan.ramped ? 'done' : 'duration';
  }

  private closeSecond(t: number, seconds: number): void {
    const entry = this.meter.takeSecond(t, seconds, this.sampler?.takeSecond() ?? {});
    this.series.push(entry);
    this.report(entry);
    const { plan } = this;
    const connectFailures = entry.errors - entry.timeouts;
    if (entry.requests === 0 && connectFailures >= CONNECT_STORM_ERRORS) {
      this.warn(
        `every connection attempt failed in second ${entry.t} (${connectFailures} failures): stopped`,
      );
      this.requestStop('errorRate');
    }
    if (
      plan.errorRateAbove !== null &&
      errorRateExceeded(this.series, plan.errorWindowS, plan.errorRateAbove)
    ) {
      this.requestStop('errorRate');
    }
    this.pollCondition();
  }

  /** The time after the last whole second: its own entry if long enough, else part of the last one. */
  private closeTail(secondsTaken: number): void {
    const tailS = this.elapsedS() - secondsTaken;
    const last = this.series.at(-1);
    const targets = this.sampler?.takeSecond() ?? {};
    if (last === undefined || tailS >= minTailS) {
      const entry = this.meter.takeSecond(secondsTaken + 1, Math.max(tailS, 0.001), targets);
      this.series.push(entry);
      this.report(entry);
    } else {
      this.meter.foldSecondInto(last, 1 + tailS, targets);
    }
  }

  private report(entry: LoadSecond): void {
    if (this.plan.onSecond === null) return;
    try {
      this.plan.onSecond(entry);
    } catch (error) {
      this.warn(`onSecond threw: ${String((error as Error)?.message ?? error)}`);
    }
  }

  private pollCondition(): void {
    const { condition } = this.plan;
    if (condition === null || this.conditionPending || this.ended) return;
    this.conditionPending = true;
    Promise.resolve()
      .then(condition)
      .then(
        (met) => {
          if (met === true && !this.ended) this.requestStop('condition');
        },
        (error: unknown) => this.warn(`stop condition threw: ${String((error as Error)?.message ?? error)}`),
      )
      .finally(() => {
        this.conditionPending = false;
      });
  }

  private result(startedAt: Date): LoadResult {
    const elapsedS = this.elapsedS();
    for (const failure of this.sampler?.failures ?? []) this.warn(failure);
    return {
      url: this.plan.url.href,
      startedAt: startedAt.toISOString(),
      endedAt: new Date(startedAt.getTime() + elapsedS * 1000).toISOString(),
      stoppedBy: this.stopReason ?? 'done',
      totals: this.meter.totals(elapsedS),
      series: this.series,
      targetShares: this.sampler?.shares() ?? {},
      sampling: { sampled: this.sampler?.sampled ?? 0, identified: this.sampler?.identified ?? 0 },
      warnings: this.warnings,
    };
  }
}
