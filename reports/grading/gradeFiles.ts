import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Grade } from './gradeModel.ts';

// grade.json: one stack's grade (reports/grading/gradeModel.ts's Grade), beside report.json.

/** Writes OUT/grade.json and returns its path. */
export async function writeGradeJson(grade: Grade, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'grade.json');
  await writeFile(path, `${JSON.stringify(grade, null, 2)}\n`);
  return path;
}
