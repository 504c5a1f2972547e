import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadStackFile } from '../config/loadStack.ts';
import { settingsFor } from '../config/settings.ts';
import {
  type AutograderKind,
  autograderKinds,
  isAutograderKind,
} from '../reports/grading/autograders/kinds.ts';
import { loadRubric } from '../reports/grading/loadRubric.ts';
import { parseOnly } from './checkSelection.ts';
import type { RunReport } from '../reports/evidence.ts';
import type { Grade, Rubric } from '../reports/grading/gradeModel.ts';
import type { RunOptions } from './executeRun.ts';
import { checkBudgetIds } from './stackBudgets.ts';
import { UsageError } from './usageError.ts';

export interface RunFlags {
  only?: string;
  out: string;
  chaos?: boolean;
  acceptNewHostKey?: boolean;
  /** `labdrill drill --dry-run`. */
  dryRun?: boolean;
  /** `--rubric NAME|FILE`: grade the run (grade.json, the score first in report.html and the terminal). */
  rubric?: string;
  /** `--autograder KIND`: also write that platform's files for the grade. */
  autograder?: string;
}

/** The rubric and autograder flags, checked before anything runs (bad input: exit 2, one line). */
function gradingFlags(flags: RunFlags): { rubric?: Rubric; autograder?: AutograderKind } {
  const autograder = flags.autograder;
  if (autograder !== undefined && !isAutograderKind(autograder)) {
    throw new UsageError(`--autograder: '${autograder}' is not one of ${autograderKinds.join(', ')}`);
  }
  if (autograder !== undefined && flags.rubric === undefined) {
    throw new UsageError('--autograder needs --rubric NAME|FILE: the platforms are sent a grade');
  }
  return {
    ...(flags.rubric !== undefined ? { rubric: loadRubric(flags.rubric) } : {}),
    ...(autograder !== undefined ? { autograder } : {}),
  };
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
  const { rubric, autograder } = gradingFlags(flags);
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
    // The lab's numbers and the course's caps win over the stack file's: a student cannot lower the bar.
    ...(rubric
      ? {
          rubricTerms: {
            ...(rubric.expect ? { expect: rubric.expect } : {}),
            ...(rubric.caps ? { caps: rubric.caps } : {}),
          },
        }
      : {}),
  };
  const { report, files, runErrors } = await executeRun(options);
  const graded = rubric ? await gradeRun(report, rubric, options.outDir, autograder) : undefined;
  if (graded) files.push(...graded.files);
  for (const line of summaryLines(report, files)) console.log(line);
  if (flags.chaos && !report.options.chaos) {
    console.log('  drills were not run: the stack file does not set chaos.allow: true');
  }
  if (graded) for (const line of graded.lines) console.log(line);
  if (process.env.GITHUB_ACTIONS === 'true') for (const line of githubAnnotations(report)) console.log(line);
  if (process.env.GITHUB_STEP_SUMMARY) {
    const { appendJobSummary } = await import('../reports/jobSummary.ts');
    appendJobSummary(report, graded?.grade, process.env);
  }
  for (const error of runErrors) console.error(`labdrill: ${error}`);
  return runErrors.length > 0 ? 1 : exitCodeFor(report);
}

/**
 * Grades the run: grade.json, report.html again with the grade at the top, the autograder's files, and the
 * score block for the terminal. The exit code stays the run's.
 */
async function gradeRun(
  report: RunReport,
  rubric: Rubric,
  outDir: string,
  autograder: AutograderKind | undefined,
): Promise<{ grade: Grade; files: string[]; lines: string[] }> {
  const [{ gradeReport }, { writeGradeJson }, { writeReportHtml }, { gradeLines }, autograders] =
    await Promise.all([
      import('../reports/grading/scoreReport.ts'),
      import('../reports/grading/gradeFiles.ts'),
      import('../reports/html/reportHtml.ts'),
      import('../reports/grading/gradeTerminal.ts'),
      import('../reports/grading/autograders/index.ts'),
    ]);
  const grade = gradeReport(report, rubric);
  const files = [await writeGradeJson(grade, outDir)];
  await writeReportHtml(report, outDir, { grade });
  if (autograder)
    files.push(...autograders.writeAutograderFiles(autograder, grade, report, outDir, process.env));
  return { grade, files, lines: gradeLines(grade) };
}

export function registerRunCommand(command: Command): void {
  command
    .requiredOption('-c, --config <file>', 'stack file (YAML or JSON)')
    .option('--only <ids>', 'comma-separated check ids to run (see labdrill checks)')
    .option('--out <dir>', 'where to write the reports', 'labdrill-out')
    .option('--chaos', 'also run the drills (needs chaos.allow: true in the stack file)')
    .option(...acceptNewHostKeyFlag)
    .option(
      '--rubric <name|file>',
      'grade the run against a rubric (labdrill rubric list): grade.json, the score first in report.html',
    )
    .option(
      '--autograder <kind>',
      `also write an autograder's files for the grade: ${autograderKinds.join(', ')}`,
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 every check passed or was skipped, 1 a check failed or errored, 2 bad input.
With --rubric the exit code is still the run's; the score is in grade.json.

Examples:
  $ labdrill run --config stack.yaml
  $ labdrill run --config stack.yaml --only alb.round-robin,ec2.app.page --out reports/
  $ labdrill run --config stack.yaml --rubric auto-scaling --autograder gradescope`,
    )
    .action(async (flags: RunFlags & { config: string }) => {
      process.exitCode = await runAndReport(flags.config, flags, null);
    });
}
