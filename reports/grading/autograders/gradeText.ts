import { safeForTerminal } from '../../untrustedText.ts';
import type { Grade, GradeItem } from '../gradeModel.ts';
import { roundPoints } from '../rubricSchema.ts';

// A grade as plain text, for the autograders' feedback fields (Gradescope's output, Vocareum's report,
// Classroom's message). Platforms differ in whether they render that text as HTML, so text from the stack
// loses control characters and its angle brackets: it reads the same as text and cannot become markup.

/** One line of untrusted text, safe as plain text and as HTML alike, bounded. */
export function plainLine(text: unknown, max = 600): string {
  const flat = safeForTerminal(typeof text === 'string' ? text : String(text ?? ''))
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/&/g, '＆');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Points as a plain number: no thousands separator, no exponent (CSV and JSON readers take it). */
export function plainPoints(points: number): string {
  return String(roundPoints(points));
}

/** What one item earned and why, on one line; then its lost parts. */
export function itemText(item: GradeItem): string[] {
  const counted = item.max > 0;
  const head = counted
    ? `${plainPoints(item.points)}/${plainPoints(item.max)} ${plainLine(item.criterion, 120)} [${item.check}]: ${plainLine(item.why)}`
    : `not counted: ${plainLine(item.criterion, 120)} [${item.check}]: ${plainLine(item.why)}`;
  const lostParts = (item.parts ?? [])
    .filter((part) => !part.passed)
    .map(
      (part) =>
        `    lost ${plainPoints(part.max)} for ${plainLine(part.name, 100)}: ${plainLine(part.detail, 400)}`,
    );
  return [head, ...lostParts];
}

/** The headline: the score, or that the stack was not graded and why. */
export function headlineText(grade: Grade): string[] {
  if (grade.status !== 'graded') {
    return [
      `NOT GRADED (rubric ${plainLine(grade.rubric, 100)}): labdrill could not grade this stack for reasons on the grader's side.`,
      'This is not a score of 0: the course regrades it once the cause is fixed.',
      ...grade.reasons.slice(0, 50).map((reason) => `  - ${plainLine(reason)}`),
    ];
  }
  return [
    `Score: ${plainPoints(grade.score)} / ${plainPoints(grade.max)} (rubric ${plainLine(grade.rubric, 100)})`,
  ];
}

/** The whole grade as a plain-text report. */
export function gradeText(grade: Grade): string {
  const lines = [...headlineText(grade), ''];
  for (const item of grade.items) lines.push(...itemText(item));
  return `${lines.join('\n')}\n`;
}
