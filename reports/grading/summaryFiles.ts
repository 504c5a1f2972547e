import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassSummary, SummaryStudent } from './gradeModel.ts';
import { renderSummaryHtml } from './summaryHtml.ts';

// The class summary's three files: summary.json (the model), summary.csv (for a spreadsheet or an LMS
// import) and summary.html (for people). Each is written whole to a temporary name and renamed, so a
// reader, or a grading run resumed after a kill, never finds half a summary.

export interface SummaryFiles {
  json: string;
  csv: string;
  html: string;
}

export function writeSummaryFiles(outDir: string, summary: ClassSummary): SummaryFiles {
  mkdirSync(outDir, { recursive: true });
  const files = {
    json: join(outDir, 'summary.json'),
    csv: join(outDir, 'summary.csv'),
    html: join(outDir, 'summary.html'),
  };
  const withReport = new Set(
    summary.students
      .filter((student) => existsSync(join(outDir, student.id, 'report.html')))
      .map((student) => student.id),
  );
  writeWhole(files.json, `${JSON.stringify(summary, null, 2)}\n`);
  writeWhole(files.csv, summaryCsv(summary));
  writeWhole(files.html, renderSummaryHtml(summary, { withReport }));
  return files;
}

function writeWhole(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
}

type Cell = string | number | null;

/**
 * summary.csv: one row per student, RFC 4180 (CRLF rows, fields quoted when they hold a comma, quote or
 * line break). Then one column per rubric item with the points earned, so a spreadsheet can sum them.
 */
export function summaryCsv(summary: ClassSummary): string {
  const checks = itemChecks(summary.students);
  const header: Cell[] = [
    'id',
    'name',
    'status',
    'score',
    'max',
    'percent',
    'best_score',
    'best_max',
    'runs',
    'latest_at',
    ...checks,
    'reasons',
  ];
  const rows = summary.students.map((student): Cell[] => {
    const byCheck = new Map(student.items.map((item) => [item.check, item]));
    return [
      student.id,
      student.name,
      student.status,
      student.score,
      student.max,
      student.score !== null && student.max !== null && student.max > 0
        ? Math.round((student.score / student.max) * 1000) / 10
        : null,
      student.best?.score ?? null,
      student.best?.max ?? null,
      student.runs,
      student.latest.at,
      ...checks.map((check) => {
        const item = byCheck.get(check);
        // An item that does not count (not attempted, not run) is empty, not 0.
        return item && item.max > 0 && item.status !== 'not-graded' ? item.points : null;
      }),
      student.reasons.join(' | '),
    ];
  });
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function itemChecks(students: readonly SummaryStudent[]): string[] {
  const checks = new Set<string>();
  for (const student of students) for (const item of student.items) checks.add(item.check);
  return [...checks];
}

/**
 * One CSV field. Text that a spreadsheet would read as a formula (starting with = + - @, or a tab or
 * carriage return that some strip before looking) gets a leading ' so it stays text: a display name
 * like `=HYPERLINK(…)` must not become a live link in the course's spreadsheet.
 */
export function csvField(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Line breaks are kept (quoted), except lone CRs, which some readers take for row ends.
  let text = value.replace(/\r\n?/g, '\n');
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
