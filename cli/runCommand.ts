import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadStackFile } from '../config/loadStack.ts';
import { settingsFor } from '../config/settings.ts';
import { exitCodeFor } from '../reports/runReport.ts';
import { checkLine, githubAnnotations, summaryLines } from '../reports/terminalView.ts';
import { parseOnly } from './checkSelection.ts';
import { executeRun, type RunOptions } from './executeRun.ts';
import { checkBudgetIds } from './stackBudgets.ts';

export interface RunFlags {
  only?: string;
  out: string;
  chaos?: boolean;
  acceptNewHostKey?: boolean;
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
  const options: RunOptions = {
    stackFile: resolve(stackFile),
    only: parseOnly(flags.only),
    chaos: flags.chaos === true,
    outDir: resolve(flags.out),
    twinFaults,
    acceptNewHostKey: flags.acceptNewHostKey === true,
    onCheck: (result) => console.log(checkLine(result)),
  };
  // Bad input stops here, before anything runs.
  checkBudgetIds(options.stackFile, settingsFor(loadStackFile(options.stackFile)));
  const { report, files, runErrors } = await executeRun(options);
  for (const line of summaryLines(report, files)) console.log(line);
  if (flags.chaos && !report.options.chaos) {
    console.log('  drills were not run: the stack file does not set chaos.allow: true');
  }
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(report)) console.log(line);
  for (const error of runErrors) console.error(`labdrill: ${error}`);
  return runErrors.length > 0 ? 1 : exitCodeFor(report);
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run the checks against a deployed stack and write report.json and junit.xml')
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
