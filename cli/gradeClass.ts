import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { RosterStudent } from '../config/roster.ts';
import type { Stack } from '../config/schema.ts';
import { loadStackFile } from '../config/loadStack.ts';
import type { CheckResult } from '../reports/evidence.ts';
import { readGradeFile } from '../reports/grading/classSummary.ts';
import { writeGradeJson } from '../reports/grading/gradeFiles.ts';
import type { Grade, Rubric } from '../reports/grading/gradeModel.ts';
import { appendHistory } from '../reports/grading/history.ts';
import { gradeReport, notGradedGrade } from '../reports/grading/scoreReport.ts';
import { writeReportHtml } from '../reports/html/reportHtml.ts';
import { writeJunitXml } from '../reports/junitXml.ts';
import { buildRunReport, writeReportJson } from '../reports/runReport.ts';
import { checkIds } from '../suites/catalog.ts';
import { stackWithRubric } from '../suites/runContext.ts';
import { labdrillVersion } from './packageRoot.ts';
import { runChecksInProcess } from './runInProcess.ts';

// Grading a class: every student of the roster (or of one shard of it) checked against the rubric, a few at a
// time, each in a folder of its own. A student's stack is read only with that student's credentials (their
// profile or role, else the grader's default chain), through AWS clients made for that student's run alone.
// A student already graded in the folder is kept unless the grader asks to grade again.

export interface GradeClassOptions {
  students: readonly RosterStudent[];
  rubric: Rubric;
  outDir: string;
  /** Students graded at once. */
  concurrency: number;
  /** Grade again a student whose folder already holds a grade. */
  regrade: boolean;
  /** Run the rubric's drills too (within its caps); without it a drill item is not-run. */
  chaos: boolean;
  /** Called when a student starts and when they are done (for the progress bar). */
  onStudent?: (event: StudentEvent) => void;
  /** Writes a student's autograder files (labdrill grade --autograder). */
  autograder?: (grade: Grade, report: ReturnType<typeof buildRunReport>, studentDir: string) => void;
}

export type StudentEvent =
  { kind: 'started'; id: string } | { kind: 'done'; id: string; outcome: StudentOutcome };

export interface StudentOutcome {
  id: string;
  /** kept: a grade from an earlier run in this folder, not graded again. */
  status: 'graded' | 'not-graded' | 'kept';
  score: number;
  max: number;
  /** For not-graded: the first reason. */
  reason?: string;
}

export async function gradeClass(options: GradeClassOptions): Promise<StudentOutcome[]> {
  mkdirSync(options.outDir, { recursive: true });
  const limit = pLimit(options.concurrency);
  return Promise.all(
    options.students.map((student) =>
      limit(async () => {
        options.onStudent?.({ kind: 'started', id: student.id });
        const outcome = await gradeStudent(student, options);
        options.onStudent?.({ kind: 'done', id: student.id, outcome });
        return outcome;
      }),
    ),
  );
}

function outcomeOf(id: string, grade: Grade, kept = false): StudentOutcome {
  return {
    id,
    status: kept ? 'kept' : grade.status,
    score: grade.score,
    max: grade.max,
    ...(grade.status === 'not-graded' && grade.reasons[0] ? { reason: grade.reasons[0] } : {}),
  };
}

async function gradeStudent(student: RosterStudent, options: GradeClassOptions): Promise<StudentOutcome> {
  const dir = join(options.outDir, student.id);
  if (!options.regrade) {
    const earlier = readGradeFile(dir);
    if ('grade' in earlier) return outcomeOf(student.id, earlier.grade, true);
  }
  await mkdir(dir, { recursive: true });
  const { rubric } = options;
  let stack: Stack;
  let stackFile: string;
  try {
    ({ stack, stackFile } = await studentStack(student, dir));
  } catch (error) {
    // A stack that cannot be read or found is no score: the course sees why, and nothing ran.
    const reason = `the stack could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    return record(student.id, dir, notGradedGrade(rubric, student.id, reason));
  }
  const credentials = {
    ...stack.aws,
    ...(student.profile ? { profile: student.profile } : {}),
    ...(student.roleArn ? { roleArn: student.roleArn } : {}),
  };
  const graded = stackWithRubric(
    { ...stack, ...(Object.keys(credentials).length > 0 ? { aws: credentials } : {}) },
    rubric,
  );
  const startedAt = new Date();
  const only = [...new Set(rubric.items.map((item) => item.check))];
  let results: CheckResult[];
  try {
    results = await runChecksInProcess({ stackFile, stack: graded, only, chaosRequested: options.chaos });
  } catch (error) {
    const reason = `labdrill failed while grading: ${error instanceof Error ? error.message : String(error)}`;
    return record(student.id, dir, notGradedGrade(rubric, graded.name, reason));
  }
  const report = buildRunReport(results, {
    version: labdrillVersion(),
    stackName: graded.name,
    region: graded.region ?? null,
    stackFile,
    startedAt,
    endedAt: new Date(),
    only,
    chaos: options.chaos && graded.chaos?.allow === true,
    twinFaults: null,
    order: checkIds,
  });
  const grade = gradeReport(report, rubric);
  // Written off the event loop: a class's other students are being measured meanwhile.
  await Promise.all([
    writeReportJson(report, dir),
    writeJunitXml(report, dir),
    writeReportHtml(report, dir, { grade }),
  ]);
  options.autograder?.(grade, report, dir);
  return record(student.id, dir, grade);
}

/** Writes the student's grade.json and adds the run to their history. */
async function record(id: string, dir: string, grade: Grade): Promise<StudentOutcome> {
  await Promise.all([writeGradeJson(grade, dir), appendHistory(dir, grade)]);
  return outcomeOf(id, grade);
}

/** The student's stack file, or a stack found in their account (written to their folder as stack.yaml). */
async function studentStack(
  student: RosterStudent,
  dir: string,
): Promise<{ stack: Stack; stackFile: string }> {
  if (student.stack !== undefined) return { stack: loadStackFile(student.stack), stackFile: student.stack };
  const { discoverStack } = await import('../discover/discoverStack.ts');
  const found = await discoverStack({
    region: student.discover.region,
    selector: student.discover.selector,
    name: student.id,
    ...(student.profile ? { profile: student.profile } : {}),
    ...(student.roleArn ? { roleArn: student.roleArn } : {}),
  });
  const stackFile = join(dir, 'stack.yaml');
  writeFileSync(stackFile, found.yaml);
  return { stack: found.stack, stackFile };
}
