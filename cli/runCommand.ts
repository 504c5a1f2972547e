import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadStackFile } from '../config/loadStack.ts';
import { settingsFor } from '../config/settings.ts';
import { parseOnly } from './checkSelection.ts';
import type { RunOptions } from './executeRun.ts';
import { checkBudgetIds } from './stackBudgets.ts';

export interface RunFlags {
  only?: string;
  out: string;
  chaos?: boolean;
  acceptNewHostKey?: boolean;
  /** `labdrill drill --dry-run`. */
  dryRun?: boolean;
}

/** `--accept-new-host-key`, for the commands whose checks may reach instances over SSH. */
export const acceptNewHostKeyFlag = [
  '--accept-new-host-key',
  "trust an SSH host key that is not pinned yet, once, and record it in exec.knownHosts (OpenSSH's accept-new)",
] as const;

/** Runs the checks, prints them as they finish, writes the reports; resolves to the exit code. */
export async function runAndReport(
  stackFile: string,
  flags: RunFlags,
  twinFaults: string[] | null,
): Promise<0 | 1> {
  const stackPath = resolve(stackFile);
  const only = parseOnly(flags.only);
  // Bad input stops here, before anything runs (and before the runner and vitest are even loaded).
  checkBudgetIds(stackPath, settingsFor(loadStackFile(stackPath)));
  const [{ executeRun }, { exitCodeFor }, { checkLine, githubAnnotations, summaryLines }] = await Promise.all(
    [import('./executeRun.ts'), import('../reports/runReport.ts'), import('../reports/terminalView.ts')],
  );
  const options: RunOptions = {
    stackFile: stackPath,
    only,
    chaos: flags.chaos === true,
    outDir: resolve(flags.out),
    twinFaults,
    acceptNewHostKey: flags.acceptNewHostKey === true,
    dryRun: flags.dryRun === true,
    onCheck: (result) => console.log(checkLine(result)),
  };
  const { report, files, runErrors } = await executeRun(options);
  for (const line of summaryLines(report, files)) console.log(line);
  if (flags.chaos && !report.options.chaos) {
    console.log('  drills were not run: the stack file does not set chaos.allow: true');
  }
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(report)) console.log(line);
  for (const error of runErrors) console.error(`labdrill: ${error}`);
  return runErrors.length > 0 ? 1 : exitCodeFor(report);
}

export function registerRunCommand(command: Command): void {
  command
    .requiredOption('-c, --config <file>', 'stack file (YAML or JSON)')
    .option('--only <ids>', 'comma-separated check ids to run (see labdrill checks)')
    .option('--out <dir>', 'where to write the reports', 'labdrill-out')
    .option('--chaos', 'also run the drills (needs chaos.allow: true in the stack file)')
    .option(...acceptNewHostKeyFlag)
    .addHelpText(
      'after',
      `
Exit codes: 0 every check passed or was skipped, 1 a check failed or errored, 2 bad input.

Examples:
  $ labdrill run --config stack.yaml
  $ labdrill run --config stack.yaml --only alb.round-robin,ec2.app.page --out reports/`,
    )
    .action(async (flags: RunFlags & { config: string }) => {
      process.exitCode = await runAndReport(flags.config, flags, null);
    });
}
