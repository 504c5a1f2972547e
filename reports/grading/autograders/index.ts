import type { RunReport } from '../../evidence.ts';
import type { Grade } from '../gradeModel.ts';
import { writeClassroomFiles } from './classroom.ts';
import { writeGradescopeFiles } from './gradescope.ts';
import type { AutograderKind } from './kinds.ts';
import { writeVocareumFiles } from './vocareum.ts';

// The autograder platforms labdrill writes a grade for, each in the platform's own files.

export { type AutograderKind, autograderKinds, isAutograderKind } from './kinds.ts';

/**
 * Writes `kind`'s files for one graded stack into `outDir` (and where the platform's environment says,
 * read from `env`). Returns the paths written.
 */
export function writeAutograderFiles(
  kind: AutograderKind,
  grade: Grade,
  report: RunReport,
  outDir: string,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  switch (kind) {
    case 'classroom':
      return writeClassroomFiles(grade, report, outDir, env);
    case 'vocareum':
      return writeVocareumFiles(grade, report, outDir, env);
    case 'gradescope':
      return writeGradescopeFiles(grade, report, outDir);
  }
}
