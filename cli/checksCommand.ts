import type { Command } from 'commander';
import pc from 'picocolors';
import { catalog } from '../suites/catalog.ts';

export function registerChecksCommand(program: Command): void {
  program
    .command('checks')
    .description('list the check catalog: id, kind, needs and what each check proves')
    .option('--json', 'print the catalog as JSON')
    .addHelpText('after', '\nExamples:\n  $ labdrill checks\n  $ labdrill checks --json | jq -r .[].id')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        console.log(JSON.stringify(catalog, null, 2));
        return;
      }
      for (const entry of catalog) {
        console.log(
          `${pc.bold(entry.id.padEnd(28))} ${entry.kind.padEnd(6)} ${entry.needs.join('+').padEnd(10)} ${entry.proves}`,
        );
      }
    });
}
