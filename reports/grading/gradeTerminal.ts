import pc from 'picocolors';
import { safeForTerminal } from '../untrustedText.ts';
import type { Grade, GradeItem } from './gradeModel.ts';
import { roundPoints } from './rubricSchema.ts';

// The grade in the terminal: a block printed after the run (check lines stream as they finish, so the
// score cannot come before them), with the score, then every lost point and why, then what did not count.

function lostPoints(item: GradeItem): number {
  return roundPoints(item.max - item.points);
}

export function gradeLines(grade: Grade): string[] {
  const text = (value: string) => safeForTerminal(value);
  const rubric = text(grade.rubric);
  if (grade.status !== 'graded') {
    return [
      '',
      pc.bold(pc.magenta(`Not graded (rubric ${rubric})`)) +
        ": a problem on the grader's side, not a score of 0; grade again once it is fixed:",
      ...grade.reasons.map((reason) => `  ${pc.magenta('!')} ${text(reason)}`),
    ];
  }
  const lost = grade.items.filter(
    (item) => (item.status === 'lost' || item.status === 'partial') && lostPoints(item) > 0,
  );
  const uncounted = grade.items.filter(
    (item) => item.status === 'not-run' || item.status === 'not-attempted',
  );
  const full = grade.score >= grade.max;
  const lines = [
    '',
    pc.bold(`Score: ${(full ? pc.green : pc.yellow)(`${grade.score} / ${grade.max}`)}`) +
      pc.dim(` (rubric ${rubric})`),
  ];
  if (lost.length > 0) lines.push(pc.bold('Lost points:'));
  for (const item of lost) {
    lines.push(
      `  ${pc.red(`-${lostPoints(item)}`.padStart(5))}  ${text(item.criterion)} ${pc.dim(`[${item.check}]`)}: ${text(item.why)}`,
    );
    for (const part of item.parts ?? []) {
      if (!part.passed)
        lines.push(`         ${pc.dim(`part ${text(part.name)} (${part.max}):`)} ${text(part.detail)}`);
    }
  }
  if (uncounted.length > 0) lines.push(pc.dim('Not counted:'));
  for (const item of uncounted) {
    lines.push(pc.dim(`         ${text(item.criterion)} [${item.check}]: ${text(item.why)}`));
  }
  return lines;
}
