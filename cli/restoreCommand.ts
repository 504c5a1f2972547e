import { journalPathFor } from '../config/stackPaths.ts';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadStackFile } from '../config/loadStack.ts';
import { formatRestoreReport, restoreFromJournal } from '../drills/restore.ts';
import { createAwsClients } from '../probes/aws/awsClients.ts';
import { sqlLoginFor } from '../probes/sql.ts';

export function registerRestoreCommand(command: Command): void {
  command
    .requiredOption('-c, --config <file>', 'stack file (for the region, profile and endpoints)')
    .option('--journal <file>', 'the drill journal (default: chaos.journal, else .labdrill/journal.jsonl)')
    .addHelpText(
      'after',
      `
Restoring twice is harmless: the second run finds nothing to do and says so.

Examples:
  $ labdrill restore --config stack.yaml
  $ labdrill restore --config stack.yaml --journal /var/tmp/labdrill-journal.jsonl`,
    )
    .action(async (flags: { config: string; journal?: string }) => {
      const stack = loadStackFile(resolve(flags.config));
      const journal = flags.journal ? resolve(flags.journal) : journalPathFor(stack);
      const clients = createAwsClients(stack);
      try {
        const login = sqlLoginFor(stack);
        const report = await restoreFromJournal(journal, {
          ...clients,
          ...(typeof login === 'string' ? {} : { sql: login }),
        });
        for (const line of formatRestoreReport(report)) console.log(line);
        process.exitCode = report.steps.some((step) => step.result === 'undo-failed') ? 1 : 0;
      } finally {
        clients.destroy();
      }
    });
}
