import type { Command } from 'commander';
import pc from 'picocolors';
import { loadStackFile } from '../config/loadStack.ts';
import { type Settings, settingsFor } from '../config/settings.ts';
import { budgetFor } from '../suites/budgets.ts';
import { catalog } from '../suites/catalog.ts';
import { checkBudgetIds } from './stackBudgets.ts';

export function registerChecksCommand(command: Command): void {
  command
    .option('--json', 'print the catalog as JSON')
    .option('--config <file>', 'show the budgets for this stack file (its thresholds and budgets:)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ labdrill checks\n  $ labdrill checks --config stack.yaml     budgets for that stack\n  $ labdrill checks --json | jq -r .[].id',
    )
    .action((flags: { json?: boolean; config?: string }) => {
      let settings: Settings = settingsFor({ name: 'defaults' });
      if (flags.config) {
        const stack = loadStackFile(flags.config);
        settings = settingsFor(stack);
        checkBudgetIds(flags.config, settings);
      }
      const entries = catalog.map((entry) => ({ ...entry, budgetS: budgetFor(entry, settings) }));
      if (flags.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      for (const entry of entries) {
        const budget = `${entry.budgetS} s`.padStart(7);
        console.log(
          `${pc.bold(entry.id.padEnd(28))} ${entry.kind.padEnd(6)} ${entry.needs.join('+').padEnd(10)} ${budget}  ${entry.proves}`,
        );
        if (entry.writes) console.log(`${' '.repeat(28)} ${pc.yellow('writes:')} ${entry.writes}`);
        if (entry.parts) console.log(`${' '.repeat(28)} ${pc.dim('parts:')} ${entry.parts.join(', ')}`);
      }
    });
}
