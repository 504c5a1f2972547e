import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grade } from './gradeModel.ts';

// grade.json: one stack's grade (reports/grading/gradeModel.ts's Grade), beside report.json.

/** Writes OUT/grade.json and returns its path. */
export function writeGradeJson(grade: Grade, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'grade.json');
  writeFileSync(path, `${JSON.stringify(grade, null, 2)}\n`);
  return path;
}
