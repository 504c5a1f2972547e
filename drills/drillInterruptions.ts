import type { DrillProgress } from './progress.ts';

// How a drill run is interrupted: by the caller's signal, SIGINT or SIGTERM. The first interruption aborts
// the run's signal, so that the run stops and rolls back; a second SIGINT/SIGTERM says what is still being
// put back; a third exits at once, and `labdrill restore` finishes from the journal.

export type DrillInterruption = 'SIGINT' | 'SIGTERM' | 'abort';

export class DrillInterrupted extends Error {
  override readonly name = 'DrillInterrupted';
  constructor(readonly by: DrillInterruption) {
    super(by === 'abort' ? 'the drill was cancelled' : `the drill was interrupted by ${by}`);
  }
}

export interface InterruptionOptions {
  /** The caller's signal. */
  signal?: AbortSignal;
  /** Listen to SIGINT and SIGTERM for the run. */
  handleProcessSignals: boolean;
  progress: DrillProgress;
  /** Ends the process at a third SIGINT/SIGTERM (default process.exit). */
  exitProcess?: (code: number) => void;
  /** The steps changed and not put back yet, named when the user asks again. */
  stepsNotPutBack: () => string[];
}

export interface Interruptions {
  /** Aborted (with a DrillInterrupted) at the first interruption. */
  readonly signal: AbortSignal;
  /** What interrupted the run, if anything did. */
  readonly by: DrillInterruption | undefined;
  /** Stops listening; call when the run ends. */
  dispose(): void;
}

export function watchInterruptions(options: InterruptionOptions): Interruptions {
  const { progress } = options;
  const controller = new AbortController();
  let by: DrillInterruption | undefined;
  let signalsSeen = 0;
  const interrupt = (cause: DrillInterruption) => {
    if (cause !== 'abort') signalsSeen += 1;
    if (controller.signal.aborted) {
      if (cause === 'abort') return;
      if (signalsSeen >= 3) {
        // Asked three times: the user wants out now; the journal still holds what is not put back.
        progress.note(`${cause} a third time: exiting now; \`labdrill restore\` puts back what is left`);
        (options.exitProcess ?? process.exit)(cause === 'SIGINT' ? 130 : 143);
        return;
      }
      progress.note(
        `${cause} again: still putting back ${options.stepsNotPutBack().join(', ') || 'nothing left'}; if labdrill is stopped now, ` +
          `\`labdrill restore\` finishes it from the journal (${cause} once more exits at once)`,
      );
      return;
    }
    by = cause;
    progress.note(
      `${cause === 'abort' ? 'cancelled' : `${cause} received`}: stopping and putting the stack back`,
    );
    controller.abort(new DrillInterrupted(cause));
  };
  const onCallerAbort = () => interrupt('abort');
  if (options.signal?.aborted) interrupt('abort');
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const onSigint = () => interrupt('SIGINT');
  const onSigterm = () => interrupt('SIGTERM');
  if (options.handleProcessSignals) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    dispose() {
      options.signal?.removeEventListener('abort', onCallerAbort);
      if (options.handleProcessSignals) {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      }
    },
  };
}
