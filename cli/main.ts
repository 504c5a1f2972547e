import { Command, CommanderError } from 'commander';
import { catalog } from '../suites/catalog.ts';
import { labdrillVersion } from './packageRoot.ts';

// The labdrill command. Commands load lazily: only the module of the command that runs is imported (with
// what it needs), so that --version, --help, `checks` and a rejected stack file import almost nothing.

interface CommandEntry {
  name: string;
  description: string;
  /** The command's module: it adds the command's arguments, options and action. */
  load: () => Promise<(command: Command) => void>;
}

const commands: readonly CommandEntry[] = [
  {
    name: 'run',
    description: 'run the checks against a deployed stack and write report.json and junit.xml',
    load: async () => (await import('./runCommand.ts')).registerRunCommand,
  },
  {
    name: 'demo',
    description: 'start the local twin of the lab, run the checks against it, stop it, show the report',
    load: async () => (await import('./demoCommand.ts')).registerDemoCommand,
  },
  {
    name: 'drill',
    description: 'run one drill against the stack: it changes the stack, measures, and always puts it back',
    load: async () => (await import('./drillCommand.ts')).registerDrillCommand,
  },
  {
    name: 'load',
    description: "send capped HTTP load through the stack's ALB (the lab's ab -n 200000 -c 1000 http://ALB/)",
    load: async () => (await import('./loadCommand.ts')).registerLoadCommand,
  },
  {
    name: 'restore',
    description:
      'put back every change a drill made that its journal says was not undone (after a crash or kill -9)',
    load: async () => (await import('./restoreCommand.ts')).registerRestoreCommand,
  },
  {
    name: 'rubric',
    description:
      'list the built-in rubrics (rubric list), or show what a rubric grades (rubric show NAME|FILE)',
    load: async () => (await import('./rubricCommand.ts')).registerRubricCommand,
  },
  {
    name: 'grade',
    description: "grade a class: every student's stack against a rubric, one folder each and a class summary",
    load: async () => (await import('./gradeCommand.ts')).registerGradeCommand,
  },
  {
    name: 'twin',
    description: 'start the local twin of the lab and keep it running until Ctrl-C',
    load: async () => (await import('./twinCommand.ts')).registerTwinCommand,
  },
  {
    name: 'checks',
    description: 'list the check catalog: id, kind, needs, time budget and what each check proves',
    load: async () => (await import('./checksCommand.ts')).registerChecksCommand,
  },
  {
    name: 'discover',
    description: "find the lab's resources through the AWS APIs (read-only) and write a stack file",
    load: async () => (await import('./discoverCommand.ts')).registerDiscoverCommand,
  },
  {
    name: 'iam-policy',
    description: 'print the minimal IAM policy labdrill needs (generated from the calls it makes)',
    load: async () => (await import('./iamPolicyCommand.ts')).registerIamPolicyCommand,
  },
];

const program = new Command('labdrill')
  .description('Verify an AWS lab stack with evidence, drill its failovers, and grade it.')
  .version(labdrillVersion())
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

// Every command is listed (for --help); only the one named on the command line is loaded in full.
const args = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const invoked = args[0] === 'help' ? args[1] : args[0];
for (const entry of commands) {
  const command = program.command(entry.name).description(entry.description);
  if (entry.name === invoked) (await entry.load())(command);
}

program.addHelpText(
  'after',
  `
Examples:
  $ labdrill demo                          start the local twin and check it
  $ labdrill demo --fault cf-no-cache      the same with one promise of the lab broken
  $ labdrill run --config stack.yaml --out out/
  $ labdrill checks                        the ${catalog.length} checks and what each proves`,
);

/** Errors that are bad input (exit 2, one line) rather than labdrill's own failure. */
const badInput = new Set(['UsageError', 'StackFileError', 'RosterFileError', 'RubricFileError']);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; parse errors were already printed by commander.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof Error && badInput.has(error.name)) {
    process.stderr.write(`labdrill: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `labdrill: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  if (process.env.LABDRILL_DEBUG) console.error(error);
  process.exit(1);
}
