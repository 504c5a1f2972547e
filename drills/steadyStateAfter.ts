import { setTimeout as sleep } from 'node:timers/promises';
import { defaults } from '../config/defaults.ts';
import type { EvidenceRecorder } from '../reports/evidence.ts';
import type { DrillInterruption } from './drillInterruptions.ts';
import { errorLine } from './errorLine.ts';
import type { DrillContext, DrillDefinition } from './experiment.ts';
import type { DrillProgress } from './progress.ts';
import { untilAborted } from './untilAborted.ts';

// Chaos Toolkit's "after" hypothesis: once the rollback is done, is the stack back where it started? The
// answer goes into the evidence (and the progress); it does not change the drill's verdict, which judged
// the method, since some stacks settle later on purpose (a scale-in observed after a scale-out).

export interface SteadyStateAfterOptions {
  /** Most time the look may take (drillRun in config/defaults.ts: a shorter one after an interruption). */
  afterCheckTimeoutMs?: number;
}

export async function checkSteadyStateAfter<T>(
  drill: DrillDefinition<T>,
  ctx: DrillContext,
  evidence: EvidenceRecorder,
  progress: DrillProgress,
  interruptedBy: DrillInterruption | undefined,
  options: SteadyStateAfterOptions,
): Promise<void> {
  progress.phase('steady state after');
  const { afterCheckTimeoutMs, afterCheckInterruptedTimeoutMs, afterCheckHardStopMs } = defaults.drillRun;
  const limitMs =
    options.afterCheckTimeoutMs ??
    (interruptedBy === undefined ? afterCheckTimeoutMs : afterCheckInterruptedTimeoutMs);
  const after = new AbortController();
  const timer = setTimeout(() => after.abort(new Error(`not checked within ${limitMs / 1000} s`)), limitMs);
  const afterCtx: DrillContext = {
    ...ctx,
    signal: after.signal,
    sleep: (ms) => sleep(ms, undefined, { signal: after.signal }),
  };
  let problem: string | undefined;
  // The limit asks the steady state to stop (a settling look then answers with what it last saw); a hard
  // stop a little later ends one that does not listen.
  const hardStop = AbortSignal.timeout(limitMs + afterCheckHardStopMs);
  try {
    const look = drill.steadyStateAfter ?? drill.steadyState;
    problem = (await untilAborted(look(afterCtx), hardStop)) ?? undefined;
  } catch (error) {
    problem = `could not check: ${errorLine(error)}`;
  } finally {
    clearTimeout(timer);
  }
  evidence.set('steadyStateAfter', problem === undefined ? { met: true } : { met: false, problem });
  if (problem === undefined) {
    evidence.event('steady state after the rollback: met', 'the stack is back where it started');
  } else {
    evidence.event('steady state after the rollback: not met', problem);
    evidence.note(`after the rollback the stack is not (yet) back where it started: ${problem}`);
    progress.note(`after the rollback: ${problem}`);
  }
}
