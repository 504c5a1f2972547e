import { defaults } from '../config/defaults.ts';
import { errorLine } from './errorLine.ts';
import {
  Journal,
  type JournalContents,
  type ReadJournalEntry,
  readJournal,
  type SkippedLine,
} from './journal.ts';
import {
  type DrillClients,
  describeUndo,
  executeUndo,
  sdkUndoExecutors,
  type UndoAction,
  type UndoExecutors,
} from './undoActions.ts';

// Putting the stack back from the journal: every step with an 'intent' (or 'applied') and no 'undone'
// gets its undo run, newest first. A step that crashed between 'intent' and the change is undone too:
// the change may or may not have happened, and undos are idempotent, so running it is always safe.
// The drill runner's own rollback is this same function limited to its run.

export interface PendingStep {
  runId: string;
  drill: string;
  step: string;
  undo?: UndoAction;
  /** Why there is no undo to run, when there is none. */
  undoProblem?: string;
  /** Whether 'applied' was recorded: false means the process stopped between intent and change. */
  applied: boolean;
  /** Line of the step's first entry; steps are undone in reverse of this order. */
  line: number;
}

export interface RestoredStep {
  runId: string;
  drill: string;
  step: string;
  undo: UndoAction | null;
  wasApplied: boolean;
  result: 'undone' | 'undo-failed';
  /** What the undo did, or why it failed. */
  message: string;
}

export interface RestoreReport {
  journal: string;
  /** False when there was no journal file at all. */
  journalExists: boolean;
  entriesRead: number;
  /** In the order they were run (newest change first). */
  steps: RestoredStep[];
  skippedLines: SkippedLine[];
  nothingToDo: boolean;
  /** Set when a result could not be journalled (the steps were still put back). */
  journalProblem?: string;
}

export interface RestoreOptions {
  /** Only this run's steps (the runner's rollback); every run's when absent. */
  runId?: string;
  /** Only this step of `runId` (a drill putting one change back before it ends). */
  step?: string;
  /** The journal to append through (the runner's); one is opened on `path` when absent. */
  journal?: Journal;
  /** Replaces the SDK executors, e.g. in unit tests. */
  executors?: UndoExecutors;
  /** Deadline for each undo; undo.timeoutMs unless set (an instance may take minutes to finish stopping). */
  undoTimeoutMs?: number;
  /** Called after each step is put back (or fails), e.g. for progress. */
  onStep?: (step: RestoredStep) => void;
}

function stepKey(entry: { runId: string; drill: string; step: string }): string {
  return JSON.stringify([entry.runId, entry.drill, entry.step]);
}

/** The steps whose change may still be in place, in the order they were started. */
export function pendingSteps(contents: JournalContents, runId?: string): PendingStep[] {
  const steps = new Map<string, PendingStep>();
  const undone = new Set<string>();
  const take = (entry: ReadJournalEntry, pending: PendingStep) => {
    if (pending.undo === undefined && entry.undo !== undefined) {
      pending.undo = entry.undo;
      delete pending.undoProblem;
    } else if (pending.undo === undefined && entry.undoProblem !== undefined) {
      pending.undoProblem = entry.undoProblem;
    }
  };
  for (const entry of contents.entries) {
    if (runId !== undefined && entry.runId !== runId) continue;
    if (entry.phase === 'finished') continue;
    const key = stepKey(entry);
    if (entry.phase === 'undone') {
      undone.add(key);
      continue;
    }
    if (entry.phase === 'undo-failed') continue;
    let pending = steps.get(key);
    if (pending === undefined) {
      pending = {
        runId: entry.runId,
        drill: entry.drill,
        step: entry.step,
        applied: false,
        line: entry.line,
        undoProblem: 'the journal holds no undo for this step',
      };
      steps.set(key, pending);
    }
    if (entry.phase === 'applied') pending.applied = true;
    take(entry, pending);
  }
  return [...steps.entries()].filter(([key]) => !undone.has(key)).map(([, step]) => step);
}

/** Runs the undo of every pending step, newest first, and journals each result. */
export async function restoreFromJournal(
  path: string,
  clients: DrillClients,
  options: RestoreOptions = {},
): Promise<RestoreReport> {
  const contents = readJournal(options.journal?.path ?? path);
  const pending = pendingSteps(contents, options.runId)
    .filter((p) => options.step === undefined || p.step === options.step)
    .sort((a, b) => b.line - a.line);
  const report: RestoreReport = {
    journal: contents.path,
    journalExists: contents.exists,
    entriesRead: contents.entries.length,
    steps: [],
    skippedLines: contents.skipped,
    nothingToDo: pending.length === 0,
  };
  if (pending.length === 0) return report;
  const journal = options.journal ?? Journal.open(contents.path);
  const executors = options.executors ?? sdkUndoExecutors;
  const timeoutMs = options.undoTimeoutMs ?? defaults.undo.timeoutMs;
  for (const step of pending) {
    let result: RestoredStep;
    const base = { runId: step.runId, drill: step.drill, step: step.step, wasApplied: step.applied };
    if (step.undo === undefined) {
      result = { ...base, undo: null, result: 'undo-failed', message: step.undoProblem ?? 'no undo' };
    } else {
      try {
        const message = await executeUndo(
          step.undo,
          clients,
          { signal: AbortSignal.timeout(timeoutMs) },
          executors,
        );
        result = { ...base, undo: step.undo, result: 'undone', message };
      } catch (error) {
        result = {
          ...base,
          undo: step.undo,
          result: 'undo-failed',
          message: errorLine(error, { name: true }),
        };
      }
    }
    try {
      journal.append({
        runId: step.runId,
        drill: step.drill,
        step: step.step,
        phase: result.result,
        ...(step.undo ? { undo: step.undo } : {}),
        detail: result.message,
      });
    } catch (error) {
      // The undo itself is done (or failed) either way; the other steps still need theirs. The next
      // restore will find this step pending again and run its (idempotent) undo once more.
      report.journalProblem ??= `could not record the result in the journal: ${errorLine(error, { name: true })}`;
    }
    report.steps.push(result);
    options.onStep?.(result);
  }
  return report;
}

function oneLine(text: string): string {
  // Error texts may come from a network peer
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** The report as lines for a terminal or a log: what was put back, what was not, and what to do next. */
export function formatRestoreReport(report: RestoreReport): string[] {
  const lines: string[] = [];
  if (!report.journalExists) {
    return [`no journal at ${report.journal}: nothing to restore`];
  }
  if (report.nothingToDo) {
    lines.push(
      `${report.journal}: nothing to restore — every change in it (${report.entriesRead} entries) was already put back`,
    );
  } else {
    for (const step of report.steps) {
      const where = oneLine(`${step.drill} / ${step.step}`);
      const crashNote = step.wasApplied
        ? ''
        : ' (stopped before the change was confirmed; undone to be sure)';
      if (step.result === 'undone') {
        lines.push(`undone  ${where}: ${oneLine(step.message)}${crashNote}`);
      } else {
        const byHand = step.undo ? `; to do by hand: ${describeUndo(step.undo)}` : '';
        lines.push(`FAILED  ${where}: ${oneLine(step.message)}${byHand}`);
      }
    }
    const failed = report.steps.filter((s) => s.result === 'undo-failed').length;
    const done = report.steps.length - failed;
    lines.push(
      failed === 0
        ? `put back ${done} change${done === 1 ? '' : 's'} from ${report.journal}`
        : `put back ${done} of ${report.steps.length} changes; run \`labdrill restore\` again once the cause is fixed`,
    );
  }
  if (report.journalProblem) lines.push(`warning: ${oneLine(report.journalProblem)}`);
  for (const skipped of report.skippedLines) {
    lines.push(`note: line ${skipped.line} of the journal was skipped: ${skipped.reason}`);
  }
  return lines;
}
