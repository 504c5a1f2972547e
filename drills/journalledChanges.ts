import type { EvidenceRecorder } from '../reports/evidence.ts';
import { errorLine } from './errorLine.ts';
import type { DrillChange, PlannedStep } from './experiment.ts';
import type { Journal } from './journal.ts';
import type { DrillProgress } from './progress.ts';
import { type RestoredStep, restoreFromJournal } from './restore.ts';
import { type DrillClients, describeUndo, type UndoExecutors } from './undoActions.ts';

// A drill's changes, as ctx.change and ctx.revert make them: each undo is journalled before its change
// starts, and 'applied' after it; a revert puts one step back through the journal. In a dry run (no
// journal) a change is only planned.

export interface ChangeRun {
  drill: string;
  runId: string;
  /** Undefined in a dry run. */
  journal: Journal | undefined;
  clients: DrillClients;
  executors?: UndoExecutors;
  evidence: EvidenceRecorder;
  progress: DrillProgress;
  /** The run's signal: no change starts once it has aborted. */
  signal: AbortSignal;
  /** True once the rollback has begun: from then on no new change may start. */
  closed: () => boolean;
}

export interface JournalledChanges {
  /** The steps changed (or, in a dry run, planned), in order. */
  readonly plan: PlannedStep[];
  /** Changes still being made, which the rollback waits for. */
  readonly inFlight: ReadonlySet<Promise<void>>;
  change(change: DrillChange): Promise<void>;
  revert(step: string): Promise<RestoredStep>;
}

export function journalledChanges(run: ChangeRun): JournalledChanges {
  const { drill, runId, journal, evidence, progress, signal } = run;
  const plan: PlannedStep[] = [];
  const stepNames = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  return {
    plan,
    inFlight,
    async change({ step, undo, apply }) {
      if (run.closed() || signal.aborted)
        throw signal.reason ?? new Error('the drill has ended; no more changes');
      if (stepNames.has(step)) throw new Error(`step ${JSON.stringify(step)} is used twice in one run`);
      stepNames.add(step);
      const planned: PlannedStep = { step, undo, undoText: describeUndo(undo) };
      if (journal === undefined) {
        plan.push(planned);
        evidence.event(`plan: ${step}`, planned.undoText);
        return;
      }
      journal.append({ runId, drill, step, phase: 'intent', undo });
      plan.push(planned);
      evidence.event(`change: ${step}`, `undo journalled: ${planned.undoText}`);
      const applying = apply();
      inFlight.add(applying);
      try {
        await applying;
      } catch (error) {
        // The change may be half made; its intent stays pending, so the rollback undoes it anyway.
        evidence.event(`change failed: ${step}`, errorLine(error));
        throw error;
      } finally {
        inFlight.delete(applying);
      }
      journal.append({ runId, drill, step, phase: 'applied', undo });
      evidence.event(`changed: ${step}`);
      progress.note(`changed: ${step}`);
    },
    async revert(step) {
      if (journal === undefined) {
        evidence.event(`plan: put back ${step}`);
        return { runId, drill, step, undo: null, wasApplied: false, result: 'undone', message: 'dry run' };
      }
      const report = await restoreFromJournal(journal.path, run.clients, {
        runId,
        step,
        journal,
        ...(run.executors ? { executors: run.executors } : {}),
      });
      const restored = report.steps[0];
      if (restored === undefined) throw new Error(`step ${JSON.stringify(step)} has nothing to put back`);
      evidence.event(`put back: ${step}`, restored.message);
      if (restored.result === 'undo-failed')
        throw new Error(`could not put back ${step}: ${restored.message}`);
      progress.note(`put back: ${step}`);
      return restored;
    },
  };
}
