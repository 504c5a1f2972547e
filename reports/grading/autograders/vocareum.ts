import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../evidence.ts';
import { renderReportHtml } from '../../html/reportHtml.ts';
import type { Grade } from '../gradeModel.ts';
import { gradeText, plainPoints } from './gradeText.ts';

// Vocareum: a grading script writes `$vocareumGradeFile`, CSV lines `<Rubric Criterion Name>,<Score>` whose
// names match the assignment's rubric exactly, and `$vocareumReportFile`, the feedback the student reads
// (free-form text; Vocareum appends the script's stdout and stderr). The rubric's criteria are those names
// (the rubric schema keeps commas and line breaks out of them).

/** The grade file's lines. Items that do not count and students who are not graded get no line. */
export function vocareumGradeLines(grade: Grade): string[] {
  // No line for a not-graded student: a 0 would be recorded as their grade. The report says why.
  if (grade.status !== 'graded') return [];
  return grade.items
    .filter((item) => item.max > 0)
    .map((item) => `${item.criterion},${plainPoints(item.points)}`);
}

/**
 * Writes the grade file and the report: to `$vocareumGradeFile` and `$vocareumReportFile` (a text report)
 * when Vocareum sets them, else to OUT/vocareum-grade.csv and OUT/vocareum-report.html (report.html with
 * the grade). Returns the files written.
 */
export function writeVocareumFiles(
  grade: Grade,
  report: RunReport,
  outDir: string,
  env: NodeJS.ProcessEnv,
): string[] {
  const gradeLines = vocareumGradeLines(grade);
  const gradeFile = env.vocareumGradeFile || join(outDir, 'vocareum-grade.csv');
  const reportFile = env.vocareumReportFile || join(outDir, 'vocareum-report.html');
  if (!env.vocareumGradeFile || !env.vocareumReportFile) mkdirSync(outDir, { recursive: true });
  writeFileSync(gradeFile, gradeLines.length > 0 ? `${gradeLines.join('\n')}\n` : '');
  writeFileSync(reportFile, env.vocareumReportFile ? gradeText(grade) : renderReportHtml(report, { grade }));
  return [gradeFile, reportFile];
}
