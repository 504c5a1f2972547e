import {
  describeUndo,
  sdkUndoExecutors,
  type UndoAction,
  type UndoActionType,
  type UndoExecutor,
  type UndoExecutors,
} from '../../drills/undoActions.ts';

// Undo executors for pure-logic tests: each records the undo it was asked to carry out and, when told
// to, fails. Restore and the runner's rollback are the same code whatever the executors do.

export interface RecordingExecutors {
  executors: UndoExecutors;
  /** The undos carried out, in order. */
  calls: UndoAction[];
  /** Undos whose description matches one of these fail with this message. */
  failWhen: Array<{ match: RegExp; message: string }>;
}

export function recordingExecutors(): RecordingExecutors {
  const calls: UndoAction[] = [];
  const failWhen: RecordingExecutors['failWhen'] = [];
  const record: UndoExecutor<UndoActionType> = async (action) => {
    const text = describeUndo(action);
    const failure = failWhen.find((f) => f.match.test(text));
    if (failure) throw new Error(failure.message);
    calls.push(action);
    return `did: ${text}`;
  };
  const executors = Object.fromEntries(
    Object.keys(sdkUndoExecutors).map((type) => [type, record]),
  ) as UndoExecutors;
  return { executors, calls, failWhen };
}
