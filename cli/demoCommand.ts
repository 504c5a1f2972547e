import type { Command } from 'commander';
import pc from 'picocolors';
import { parseOnly } from './checkSelection.ts';
import { type RunFlags, runAndReport } from './runCommand.ts';
import type { TwinPaceName } from '../fixtures/twin/pace.ts';
import { paceOption, parseFaultFlag, withTwin } from './twinSession.ts';

export function registerDemoCommand(command: Command): void {
  command
    .option('--fault <names>', 'comma-separated faults to inject into the twin (e.g. cf-no-cache,alb-one-az)')
    .option('--only <ids>', 'comma-separated check ids to run')
    .option('--out <dir>', 'where to write the reports', 'labdrill-out')
    .option('--chaos', 'also run the drills against the twin')
    .option('--rubric <name|file>', 'grade the run against a rubric (labdrill rubric list)')
    .option(
      '--autograder <kind>',
      "also write an autograder's files for the grade (classroom, vocareum, gradescope)",
    )
    .option('--twin-log <file>', "append the twin's own log (requests, AWS calls, start-up) to this file")
    .addOption(paceOption())
    .addHelpText(
      'after',
      `
Examples:
  $ labdrill demo
  $ labdrill demo --fault s3-no-policy          the S3 checks fail, everything else passes
  $ labdrill demo --chaos --out demo-report/
  $ labdrill demo --fault alb-sticky --rubric lamp-alb-efs   the score a student with that mistake gets
  $ labdrill demo --chaos --pace aws           drills at AWS's own pace (about half an hour)`,
    )
    .action(async (flags: RunFlags & { fault?: string; twinLog?: string; pace: TwinPaceName }) => {
      const faults = parseFaultFlag(flags.fault);
      parseOnly(flags.only); // bad ids stop here, before the twin starts
      process.exitCode = await withTwin(
        faults,
        async (twin) => {
          console.log(
            pc.dim(
              `twin started${faults.size ? ` with faults ${faults.toString()}` : ''}: ${twin.stackFile}`,
            ),
          );
          return runAndReport(twin.stackFile, flags, faults.names());
        },
        {
          pace: flags.pace,
          // Only aurora.failover.drill needs the Aurora cluster's servers, and without --chaos it is skipped.
          auroraServers: flags.chaos === true,
          ...(flags.twinLog ? { logFile: flags.twinLog } : {}),
        },
      );
    });
}
