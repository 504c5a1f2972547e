import type { Command } from 'commander';
import { closest } from 'fastest-levenshtein';
import { catalog } from '../suites/catalog.ts';
import { type RunFlags, runAndReport } from './runCommand.ts';
import { UsageError } from './usageError.ts';

// `labdrill drill NAME`: one drill, by its short name (rds-failover) or its check id (rds.failover.drill).

const shortNames: Record<string, string> = {
  's3-deny-then-allow': 's3.website.deny-then-allow',
  'rds-failover': 'rds.failover.drill',
  'aurora-failover': 'aurora.failover.drill',
  'scale-out': 'asg.scale-out.drill',
  'self-heal': 'asg.self-heal.drill',
};

export function drillIdFor(name: string): string {
  const drillIds = catalog.filter((entry) => entry.kind === 'drill').map((entry) => entry.id);
  const id = shortNames[name] ?? name;
  if (drillIds.includes(id)) return id;
  const available = [
    ...Object.entries(shortNames)
      .filter(([, target]) => drillIds.includes(target))
      .map(([short]) => short),
    ...drillIds,
  ];
  throw new UsageError(
    `unknown drill '${name}' (did you mean '${closest(name, available)}'? available: ${available.join(', ')})`,
  );
}

export function registerDrillCommand(command: Command): void {
  command
    .argument(
      '<name>',
      'the drill: s3-deny-then-allow, rds-failover, aurora-failover, scale-out, self-heal (or its check id)',
    )
    .requiredOption('-c, --config <file>', 'stack file (YAML or JSON); it must set chaos.allow: true')
    .option('--chaos', 'confirm that the drill may change the stack (required)')
    .option('--dry-run', 'print the plan (each change and its undo) and touch nothing')
    .option('--out <dir>', 'where to write the reports', 'labdrill-out')
    .addHelpText(
      'after',
      `
Every change is written to the journal with its undo before it is made; Ctrl-C rolls back, and after a
crash \`labdrill restore\` does.

Examples:
  $ labdrill drill s3-deny-then-allow --config stack.yaml --chaos
  $ labdrill drill rds-failover --config stack.yaml --dry-run`,
    )
    .action(async (name: string, flags: RunFlags & { config: string; dryRun?: boolean }) => {
      const id = drillIdFor(name);
      // The plan is printed by the drill itself, through the suite: the same code path as a real run.
      if (!flags.dryRun && !flags.chaos)
        throw new UsageError(
          `the drill changes the stack: add --chaos to confirm (or --dry-run to see the plan)`,
        );
      process.exitCode = await runAndReport(flags.config, { ...flags, only: id, chaos: true }, null);
    });
}
