import type { Command } from 'commander';
import pc from 'picocolors';
import type { Rubric } from '../reports/grading/gradeModel.ts';
import { loadBuiltInRubrics, loadRubric } from '../reports/grading/loadRubric.ts';
import { roundPoints } from '../reports/grading/rubricSchema.ts';
import { safeForTerminal } from '../reports/untrustedText.ts';

// `labdrill rubric list|show`: the built-in rubrics, and what a rubric (built-in or a course's file) grades.

function totalPoints(rubric: Rubric): number {
  return roundPoints(rubric.items.reduce((total, item) => total + item.points, 0));
}

function requiredPoints(rubric: Rubric): number {
  return roundPoints(
    rubric.items.filter((item) => item.required).reduce((total, item) => total + item.points, 0),
  );
}

function listLines(rubrics: readonly Rubric[]): string[] {
  const nameWidth = Math.max(4, ...rubrics.map((rubric) => rubric.name.length));
  const labWidth = Math.max(3, ...rubrics.map((rubric) => (rubric.lab ?? '').length));
  return [
    pc.dim(`${'name'.padEnd(nameWidth)}  ${'points'.padStart(6)}  ${'lab'.padEnd(labWidth)}  title`),
    ...rubrics.map(
      (rubric) =>
        `${pc.bold(rubric.name.padEnd(nameWidth))}  ${String(totalPoints(rubric)).padStart(6)}  ${(rubric.lab ?? '').padEnd(labWidth)}  ${rubric.title}`,
    ),
  ];
}

function showLines(rubric: Rubric): string[] {
  // A rubric file may be anyone's: what it says is printed without control characters.
  const text = (value: string) => safeForTerminal(value);
  const total = totalPoints(rubric);
  const required = requiredPoints(rubric);
  const lines = [
    `${pc.bold(text(rubric.name))}: ${text(rubric.title)}`,
    ...(rubric.lab ? [`lab: ${text(rubric.lab)}`] : []),
    `points: ${total}${required < total ? ` (${required} required, ${roundPoints(total - required)} optional)` : ''}`,
    '',
  ];
  for (const item of rubric.items) {
    const optional = item.required ? '' : pc.dim(' (optional)');
    lines.push(
      `${String(item.points).padStart(5)}  ${pc.bold(item.check)}${optional}  ${text(item.criterion)}`,
    );
    if (item.parts) {
      const parts = Object.entries(item.parts).map(([name, points]) => `${text(name)} ${points}`);
      lines.push(`${' '.repeat(7)}${pc.dim('parts:')} ${parts.join(', ')}`);
    }
  }
  if (rubric.expect) lines.push('', `expect: ${JSON.stringify(rubric.expect)}`);
  if (rubric.caps) lines.push(`caps: ${JSON.stringify(rubric.caps)}`);
  return lines;
}

export function registerRubricCommand(command: Command): void {
  command
    .command('list')
    .description('the built-in rubrics: name, points, lab and title')
    .option('--json', 'print them as JSON')
    .action((flags: { json?: boolean }) => {
      const rubrics = loadBuiltInRubrics();
      if (flags.json) {
        const rows = rubrics.map((rubric) => ({
          name: rubric.name,
          title: rubric.title,
          lab: rubric.lab ?? null,
          points: totalPoints(rubric),
        }));
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      for (const line of listLines(rubrics)) console.log(line);
    });
  command
    .command('show')
    .description("a rubric's items: check, points, parts, and the lab's numbers (expect:)")
    .argument('<name|file>', 'a built-in rubric name (labdrill rubric list) or a rubric file')
    .option('--json', 'print the rubric as JSON (criterion and required filled in)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ labdrill rubric show auto-scaling\n  $ labdrill rubric show course/rubric.yaml --json',
    )
    .action((nameOrFile: string, flags: { json?: boolean }) => {
      const rubric = loadRubric(nameOrFile);
      if (flags.json) {
        console.log(JSON.stringify(rubric, null, 2));
        return;
      }
      for (const line of showLines(rubric)) console.log(line);
    });
}
