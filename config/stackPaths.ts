import { resolve } from 'node:path';
import { defaults } from './defaults.ts';
import type { Stack } from './schema.ts';

// Where a stack's local files are, resolved in the user's directory: the drill journal and the SSH host keys.
// Light on purpose: the command resolves them before any runner, drill or SSH code is loaded.

/** The journal of a stack: chaos.journal when set, else the default (.labdrill/journal.jsonl) under `cwd`. */
export function journalPathFor(stack: Pick<Stack, 'chaos'> | undefined, cwd: string = process.cwd()): string {
  return resolve(cwd, stack?.chaos?.journal ?? defaults.chaos.journal);
}

/** Where host keys are pinned and recorded: exec.knownHosts, else the default (.labdrill/known_hosts). */
export function knownHostsFileFor(stack: Pick<Stack, 'exec'>, cwd: string = process.cwd()): string {
  const exec = stack.exec;
  return resolve(cwd, exec?.via === 'ssh' && exec.knownHosts ? exec.knownHosts : defaults.exec.knownHosts);
}
