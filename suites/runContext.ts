import { loadStackFile } from '../config/loadStack.ts';
import type { Stack } from '../config/schema.ts';
import { type Settings, settingsFor } from '../config/settings.ts';
import { journalPathFor } from '../drills/journal.ts';
import { knownHostsFileFor } from '../probes/exec/execForStack.ts';

// What a suite file knows about the run: the stack file, the chosen checks and whether drills may run.
// It comes through environment variables so that the same suites run from `labdrill run` and from
// plain `LABDRILL_STACK=stack.yaml npx vitest`.

export interface RunContext {
  stackFile: string;
  stack: Stack;
  settings: Settings;
  only: ReadonlySet<string> | null;
  chaos: boolean;
  /** --chaos was given (whether or not the stack file allows drills). */
  chaosRequested: boolean;
  /** `labdrill drill --dry-run`: drills print their plan and change nothing. */
  dryRun: boolean;
  /** Where drills journal their undos. */
  journal: string;
  /** --accept-new-host-key: trust an SSH host key not pinned yet, once, and record it. */
  acceptNewHostKey: boolean;
  /** Where SSH host keys are pinned and recorded (exec.knownHosts), resolved in the user's directory. */
  knownHostsFile: string;
}

let cached: RunContext | undefined;

export function runContext(): RunContext {
  if (cached) return cached;
  const stackFile = process.env.LABDRILL_STACK;
  if (!stackFile) {
    throw new Error(
      'LABDRILL_STACK is not set: name the stack file, e.g. LABDRILL_STACK=stack.yaml npx vitest',
    );
  }
  const stack = loadStackFile(stackFile);
  const onlyText = process.env.LABDRILL_ONLY?.trim();
  cached = {
    stackFile,
    stack,
    settings: settingsFor(stack),
    only: onlyText ? new Set(onlyText.split(',').map((id) => id.trim())) : null,
    chaos: process.env.LABDRILL_CHAOS === '1' && stack.chaos?.allow === true,
    chaosRequested: process.env.LABDRILL_CHAOS_REQUESTED === '1',
    dryRun: process.env.LABDRILL_DRY_RUN === '1',
    journal: process.env.LABDRILL_JOURNAL || journalPathFor(stack),
    acceptNewHostKey: process.env.LABDRILL_ACCEPT_NEW_HOST_KEY === '1',
    knownHostsFile: process.env.LABDRILL_KNOWN_HOSTS || knownHostsFileFor(stack),
  };
  return cached;
}
