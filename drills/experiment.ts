import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaults } from '../config/defaults.ts';
import { EvidenceRecorder, type TimelineEvent } from '../reports/evidence.ts';
import type { ErrorCode } from '../reports/errorCodes.ts';
import { errorCodeOf } from '../probes/errorClassification.ts';
import { type DrillInterruption, DrillInterrupted, watchInterruptions } from './drillInterruptions.ts';
import { recordPartsNotJudged } from './drillParts.ts';
import { errorLine } from './errorLine.ts';
import { Journal } from './journal.ts';
import { journalledChanges } from './journalledChanges.ts';
import { type DrillProgress, silentDrillProgress } from './progress.ts';
import { type RestoredStep, restoreFromJournal } from './restore.ts';
import { checkSteadyStateAfter } from './steadyStateAfter.ts';
import type { DrillClients, UndoAction, UndoExecutors } from './undoActions.ts';
import { untilAborted } from './untilAborted.ts';

// A drill is an experiment in the manner of Chaos Toolkit: check the steady state, run the method (the
// changes), verify what was observed, and roll back. Every change goes through ctx.change, which journals
// its undo before making it; the rollback is the journal's pending undos for this run, and it runs
// whatever happened: after a pass, a failed verify, an exception, an abort, SIGINT or SIGTERM. Here: the
// drill's definition and the run's order; the journalled changes, the interruptions and the look after the
// rollback are their own modules.

export type DrillVerdict = 'pass' | 'fail' | 'skip' | 'error';

/** Compatible with the suites' Outcome, plus 'error' (could not measure, or could not put back). */
export interface DrillOutcome {
  verdict: DrillVerdict;
  reason: string;
  fix?: string;
  /** For an error: which kind (reports/errorCodes.ts); `internal` when not given. */
  errorCode?: ErrorCode;
}

export interface DrillChange {
  /** Unique within the run, e.g. 'remove-bucket-policy'. */
  step: string;
  /** How to put the change back; journalled before `apply` runs. */
  undo: UndoAction;
  /** Makes the change. Not called in a dry run. */
  apply: () => Promise<void>;
}

export interface PlannedStep {
  step: string;
  undo: UndoAction;
  /** The undo in words. */
  undoText: string;
}

export interface DrillContext {
  readonly drill: string;
  readonly runId: string;
  /** The SDK clients; empty in a dry run, so that nothing can be called. */
  readonly clients: DrillClients;
  /** Aborted on the caller's signal, SIGINT or SIGTERM; pass it to every call and wait. */
  readonly signal: AbortSignal;
  /** In a dry run ctx.change only records the plan; the method should skip reads and waits. */
  readonly dryRun: boolean;
  readonly progress: DrillProgress;
  readonly evidence: EvidenceRecorder;
  /** Journals the undo, makes the change, journals that it was applied. */
  change(change: DrillChange): Promise<void>;
  /** Puts one applied step back now (through the journal), e.g. to observe the recovery. Throws if it fails. */
  revert(step: string): Promise<RestoredStep>;
  /** A timeline event in the drill's evidence. */
  event(label: string, detail?: string): void;
  /** Waits, ending early (with an AbortError) when the run is interrupted; returns at once in a dry run. */
  sleep(ms: number): Promise<void>;
}

export interface DrillDefinition<T> {
  /** The check id, e.g. s3.website.deny-then-allow. */
  id: string;
  title: string;
  /** Resolves when the stack is as it should be; a string (or a throw) says why it is not. */
  // Lets a steady state that finds nothing wrong return nothing
  steadyState: (ctx: DrillContext) => Promise<void | string>;
  /**
   * The look after the rollback, when it differs from steadyState: a drill that leaves the stack changed on
   * purpose (the scale-out left for asg.scale-in.observe) says so at once instead of waiting to be at rest.
   */
  steadyStateAfter?: (ctx: DrillContext) => Promise<void | string>;
  /** The changes (through ctx.change) and the observations; its result goes to verify. */
  method: (ctx: DrillContext) => Promise<T>;
  /** Judges what the method observed, and records the check's parts; runs before the rollback. */
  verify: (ctx: DrillContext, result: T) => Promise<DrillOutcome>;
  /**
   * The check's named parts (its catalog entry's), which verify records. When the stack is not in its
   * steady state, the drill never runs and each is recorded as failed with that reason, so that a student
   * sees what was not earned and why.
   */
  parts?: readonly string[];
}

export type Drill<T> = Readonly<DrillDefinition<T>>;

export function defineDrill<T>(definition: DrillDefinition<T>): Drill<T> {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(definition.id)) {
    throw new Error(
      `drill id ${JSON.stringify(definition.id)} must be a check id like s3.website.deny-then-allow`,
    );
  }
  return Object.freeze({ ...definition });
}

export interface RunDrillOptions {
  /** The journal, or its path (see journalPathFor). */
  journal: Journal | string;
  clients: DrillClients;
  /** Return the plan (steps and their undos) without calling anything. */
  dryRun?: boolean;
  signal?: AbortSignal;
  progress?: DrillProgress;
  /** Where the timeline goes, e.g. the check's recorder; a new one when absent. */
  evidence?: EvidenceRecorder;
  /** Install SIGINT/SIGTERM handlers for the run so that an interrupt rolls back; default true. */
  handleProcessSignals?: boolean;
  /** Replaces the SDK undo executors, e.g. in unit tests. */
  executors?: UndoExecutors;
  runId?: string;
  /** How long the rollback waits for a change still being made; drillRun.inFlightSettleMs unless set. */
  settleTimeoutMs?: number;
  /** Ends the process at a third SIGINT/SIGTERM (default process.exit); replaced in tests. */
  exitProcess?: (code: number) => void;
  /** Most time the steady-state check after the rollback may take (drillRun.afterCheck* unless set). */
  afterCheckTimeoutMs?: number;
}

export interface DrillRunResult<T> {
  drill: string;
  runId: string;
  dryRun: boolean;
  outcome: DrillOutcome;
  /** The method's result, when it finished. */
  result?: T;
  timeline: TimelineEvent[];
  /** The steps the run changed (or, in a dry run, would change), in order. */
  plan: PlannedStep[];
  /** What the rollback put back (or failed to), newest change first. */
  rolledBack: RestoredStep[];
  interruptedBy?: DrillInterruption;
  /** The journal file; undefined in a dry run. */
  journal?: string;
}

function newRunId(drill: string): string {
  return `${drill}-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
}

export function formatPlan(drill: string, plan: readonly PlannedStep[]): string[] {
  if (plan.length === 0) return [`${drill}: the drill would change nothing`];
  return plan.map((p, i) => `${drill} step ${i + 1}: ${p.step} — undo: ${p.undoText}`);
}

export async function runDrill<T>(drill: Drill<T>, options: RunDrillOptions): Promise<DrillRunResult<T>> {
  const runId = options.runId ?? newRunId(drill.id);
  const dryRun = options.dryRun === true;
  const progress = options.progress ?? silentDrillProgress;
  const evidence = options.evidence ?? new EvidenceRecorder();
  /** Set when the rollback begins: from then on no new change may start. */
  let closed = false;
  // Opened before any handler is installed: a journal that cannot be read stops the run right here.
  const journal = dryRun
    ? undefined
    : typeof options.journal === 'string'
      ? Journal.open(options.journal)
      : options.journal;

  const putBack = new Set<string>();
  const interruptions = watchInterruptions({
    ...(options.signal ? { signal: options.signal } : {}),
    handleProcessSignals: options.handleProcessSignals !== false && !dryRun,
    progress,
    ...(options.exitProcess ? { exitProcess: options.exitProcess } : {}),
    // Asked only by a second SIGINT/SIGTERM, long after `changes` exists.
    stepsNotPutBack: () => changes.plan.map((p) => p.step).filter((step) => !putBack.has(step)),
  });
  const { signal } = interruptions;
  const changes = journalledChanges({
    drill: drill.id,
    runId,
    journal,
    clients: options.clients,
    ...(options.executors ? { executors: options.executors } : {}),
    evidence,
    progress,
    signal,
    closed: () => closed,
  });
  const { plan } = changes;

  const ctx: DrillContext = {
    drill: drill.id,
    runId,
    clients: dryRun ? {} : options.clients,
    signal,
    dryRun,
    progress,
    evidence,
    change: changes.change,
    revert: changes.revert,
    event(label, detail) {
      evidence.event(label, detail);
    },
    async sleep(ms) {
      if (dryRun) return;
      await sleep(ms, undefined, { signal });
    },
  };

  let outcome: DrillOutcome | undefined;
  let result: T | undefined;
  let rolledBack: RestoredStep[] = [];
  let methodStarted = false;
  try {
    if (dryRun) {
      progress.phase('dry run');
      try {
        await drill.method(ctx);
        outcome = { verdict: 'skip', reason: `dry run: ${plan.length} step(s) planned, nothing was changed` };
      } catch (error) {
        outcome = {
          verdict: 'error',
          reason: `dry run could not plan the drill: ${errorLine(error)}`,
          errorCode: errorCodeOf(error),
        };
      }
      for (const line of formatPlan(drill.id, plan)) progress.note(line);
      return {
        drill: drill.id,
        runId,
        dryRun,
        outcome,
        timeline: evidence.evidence.timeline,
        plan,
        rolledBack,
      };
    }
    if (journal === undefined) throw new Error('a drill run needs a journal');

    try {
      progress.phase('steady state');
      evidence.event('steady state: checking');
      const notSteady = await untilAborted(drill.steadyState(ctx), signal);
      if (typeof notSteady === 'string') {
        evidence.event('steady state: not met', notSteady);
        recordPartsNotJudged(
          evidence,
          drill.parts ?? [],
          `not in its steady state before the drill: ${notSteady}`,
        );
        outcome = { verdict: 'fail', reason: `not in its steady state before the drill: ${notSteady}` };
      } else {
        evidence.event('steady state: met');
        progress.phase('method');
        methodStarted = true;
        const methodRun = drill.method(ctx);
        // If an interrupt leaves the method running, its later rejection must not go unhandled.
        methodRun.catch(() => {});
        result = await untilAborted(methodRun, signal);
        evidence.event('method: done');
        progress.phase('verify');
        outcome = await untilAborted(drill.verify(ctx, result), signal);
        evidence.event(`verify: ${outcome.verdict}`, outcome.reason);
      }
    } catch (error) {
      if (error instanceof DrillInterrupted || signal.aborted) {
        outcome = {
          verdict: 'error',
          reason: new DrillInterrupted(interruptions.by ?? 'abort').message,
          errorCode: 'interrupted',
        };
      } else {
        outcome = {
          verdict: 'error',
          reason: `the drill failed before it could be judged: ${errorLine(error)}`,
          errorCode: errorCodeOf(error),
        };
      }
      evidence.event('drill stopped', outcome.reason);
    }

    // Rollback: always, whatever happened above.
    closed = true;
    progress.phase('rollback');
    if (changes.inFlight.size > 0) {
      evidence.event('rollback: waiting for a change still being made');
      const settle = Promise.allSettled([...changes.inFlight]);
      await Promise.race([
        settle,
        sleep(options.settleTimeoutMs ?? defaults.drillRun.inFlightSettleMs, undefined, { ref: false }),
      ]);
    }
    try {
      const report = await restoreFromJournal(journal.path, options.clients, {
        runId,
        journal,
        ...(options.executors ? { executors: options.executors } : {}),
        onStep: (step) => {
          if (step.result === 'undone') putBack.add(step.step);
          progress.note(`${step.result === 'undone' ? 'put back' : 'COULD NOT put back'}: ${step.step}`);
        },
      });
      rolledBack = report.steps;
    } catch (error) {
      rolledBack = [];
      outcome = {
        verdict: 'error',
        reason: `the rollback could not run (${errorLine(error)}); run \`labdrill restore\` (drill: ${outcome.reason})`,
        errorCode: 'rollback-failed',
      };
    }
    for (const step of rolledBack) evidence.event(`rollback: ${step.result}: ${step.step}`, step.message);
    const failed = rolledBack.filter((s) => s.result === 'undo-failed');
    const interruptedBy = interruptions.by;
    if (failed.length > 0) {
      const first = failed[0] as RestoredStep;
      outcome = {
        verdict: 'error',
        reason:
          `could not put back ${failed.length} change(s) (${first.step}: ${first.message}); ` +
          `run \`labdrill restore\` (drill: ${outcome.verdict}, ${outcome.reason})`,
        errorCode: 'rollback-failed',
      };
    } else if (interruptedBy !== undefined) {
      outcome = {
        verdict: 'error',
        reason: `${new DrillInterrupted(interruptedBy).message}; put back ${rolledBack.length} change(s)`,
        errorCode: 'interrupted',
      };
    }
    if (methodStarted) await checkSteadyStateAfter(drill, ctx, evidence, progress, interruptedBy, options);
    try {
      journal.append({
        runId,
        drill: drill.id,
        step: 'run',
        phase: 'finished',
        detail: `${outcome.verdict}: ${outcome.reason}`,
      });
    } catch (error) {
      // The run is over either way; the journal's own problem is worth a note, not a lost result.
      evidence.event('journal: could not record the end of the run', errorLine(error));
    }
    evidence.event('finished', outcome.verdict);
    return {
      drill: drill.id,
      runId,
      dryRun,
      outcome,
      ...(result !== undefined ? { result } : {}),
      timeline: evidence.evidence.timeline,
      plan,
      rolledBack,
      ...(interruptedBy !== undefined ? { interruptedBy } : {}),
      journal: journal.path,
    };
  } finally {
    closed = true;
    interruptions.dispose();
    progress.stop(outcome ? `${outcome.verdict}: ${outcome.reason}` : undefined);
  }
}
