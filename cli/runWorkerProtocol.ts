import type { CheckResult } from '../reports/evidence.ts';
import type { RubricTerms } from '../suites/runContext.ts';

// The messages between `labdrill run` and its check runner process (cli/runWorker.ts).

export interface WorkerRequest {
  stackFile: string;
  only: string[] | null;
  chaosRequested: boolean;
  dryRun: boolean;
  /** Resolved in the user's directory. */
  journal: string;
  knownHostsFile: string;
  acceptNewHostKey: boolean;
  rubricTerms?: RubricTerms;
}

export type WorkerReply =
  { kind: 'check'; result: CheckResult } | { kind: 'run-error'; message: string } | { kind: 'done' };
