import { Command, CommanderError } from 'commander';
import { StackFileError } from '../config/loadStack.ts';
import { catalog } from '../suites/catalog.ts';
import { registerChecksCommand } from './checksCommand.ts';
import { registerDemoCommand } from './demoCommand.ts';
import { registerDiscoverCommand } from './discoverCommand.ts';
import { registerDrillCommand } from './drillCommand.ts';
import { labdrillVersion } from './executeRun.ts';
import { registerIamPolicyCommand } from './iamPolicyCommand.ts';
import { registerLoadCommand } from './loadCommand.ts';
import { registerRestoreCommand } from './restoreCommand.ts';
import { registerRunCommand } from './runCommand.ts';
import { registerTwinCommand } from './twinCommand.ts';
import { UsageError } from './usageError.ts';

const program = new Command('labdrill')
  .description('Verify an AWS lab stack with evidence, drill its failovers, and grade it.')
  .version(labdrillVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerRunCommand(program);
registerDemoCommand(program);
registerDrillCommand(program);
registerLoadCommand(program);
registerRestoreCommand(program);
registerTwinCommand(program);
registerChecksCommand(program);
registerDiscoverCommand(program);
registerIamPolicyCommand(program);

program.addHelpText(
  'after',
  `
Examples:
  $ labdrill demo                          start the local twin and check it
  $ labdrill demo --fault cf-no-cache      the same with one promise of the lab broken
  $ labdrill run --config stack.yaml --out out/
  $ labdrill checks                        the ${catalog.length} checks and what each proves`,
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; parse errors were already printed by commander.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof UsageError || error instanceof StackFileError) {
    process.stderr.write(`labdrill: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `labdrill: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (process.env.LABDRILL_DEBUG) console.error(error);
  process.exit(1);
}
