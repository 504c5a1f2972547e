import { closeSync, existsSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { studentIdPattern } from '../../config/roster.ts';
import type { ClassSummary, Grade, SummaryItem, SummaryStudent } from './gradeModel.ts';
import { parseGrade } from './gradeRecord.ts';
import { digestHistory, readHistory } from './history.ts';

// The class summary (summary.json and its CSV and HTML views) is built only from what is on disk in the
// output folder: DIR/<id>/grade.json and DIR/<id>/history.jsonl for each student the caller names. That
// is what makes a merge of shard folders write the same summary as one unsharded run: same folders, same
// students, same bytes, with students sorted by id and the one timestamp (generatedAt) given by the caller.

export const gradeFileName = 'grade.json';
/** grade.json is a few KiB; a larger one is not ours. */
const maxGradeFileBytes = 8 * 1024 * 1024;
const maxReasons = 20;
const maxReasonChars = 500;
const maxNameChars = 200;

export interface SummaryStudentInput {
  id: string;
  /** Display name (untrusted; cut to 200 characters). */
  name: string;
}

export interface ClassSummaryInput {
  /** The folder holding one folder per student. */
  outDir: string;
  course: string;
  /** The rubric's name. */
  rubric: string;
  students: readonly SummaryStudentInput[];
  generatedAt: string;
}

export function buildClassSummary(input: ClassSummaryInput): ClassSummary {
  const students = [...input.students]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((student) => summarizeStudent(input.outDir, student));
  return {
    schema: 'labdrill.summary/1',
    course: input.course,
    rubric: input.rubric,
    generatedAt: input.generatedAt,
    students,
  };
}

/** By UTF-16 code units: the same order on every machine and locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A student's grade.json, or why there is none to use. */
export function readGradeFile(studentDir: string): { grade: Grade } | { problem: string } {
  const file = join(studentDir, gradeFileName);
  if (!existsSync(file)) return { problem: `no ${gradeFileName}` };
  try {
    const fd = openSync(file, 'r');
    let size: number;
    try {
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
    if (size > maxGradeFileBytes)
      return { problem: `${gradeFileName} is ${size} bytes, more than a grade can be` };
    const parsed = parseGrade(JSON.parse(readFileSync(file, 'utf8')));
    return 'grade' in parsed ? parsed : { problem: `${gradeFileName} is not a grade: ${parsed.problem}` };
  } catch (error) {
    return { problem: `${gradeFileName} cannot be read: ${(error as Error).message.split('\n')[0]}` };
  }
}

function summarizeStudent(outDir: string, student: SummaryStudentInput): SummaryStudent {
  if (!studentIdPattern.test(student.id)) {
    // Ids reach here from a roster or a shard's summary.json; one that is not a safe folder name is refused.
    throw new RangeError(`student id ${JSON.stringify(student.id.slice(0, 80))} is not a safe folder name`);
  }
  const name = cut(student.name, maxNameChars);
  const folder = `${student.id}/`;
  const dir = join(outDir, student.id);
  if (!isDirectory(dir)) {
    return notGraded(student.id, name, folder, [`no folder ${folder}: this student has not been graded`]);
  }

  const history = readHistory(dir).runs;
  const current = readGradeFile(dir);
  const runs = [...history];
  // grade.json is the latest run; a history that lacks it (lost, or written before history existed) gains it.
  if ('grade' in current && !runs.some((run) => sameRun(run, current.grade))) runs.push(current.grade);
  const digest = digestHistory(runs);
  const latest = 'grade' in current ? current.grade : digest.latest;
  if (!latest) {
    return notGraded(student.id, name, folder, [
      `${folder}: ${'problem' in current ? current.problem : 'no grade'}; no history to fall back on`,
    ]);
  }

  const graded = latest.status === 'graded';
  const items: SummaryItem[] = latest.items.map((item) => ({
    check: item.check,
    criterion: item.criterion,
    status: item.status,
    points: item.points,
    max: item.max,
    firstPassedAt: digest.firstPassedAt[item.check] ?? null,
  }));
  const reasons = graded ? [] : reasonsOf(latest);
  if ('problem' in current)
    reasons.unshift(`${folder}: ${current.problem}; the latest run in its history is shown`);
  return {
    id: student.id,
    name,
    status: latest.status,
    score: graded ? latest.score : null,
    max: graded ? latest.max : null,
    reasons,
    items,
    best: digest.best,
    latest: { at: latest.gradedAt, status: latest.status },
    runs: digest.runs,
    folder,
  };
}

function notGraded(id: string, name: string, folder: string, reasons: string[]): SummaryStudent {
  return {
    id,
    name,
    status: 'not-graded',
    score: null,
    max: null,
    reasons,
    items: [],
    best: null,
    // Never graded: no time to show. The type has no null here, so the empty string stands for "never".
    latest: { at: '', status: 'not-graded' },
    runs: 0,
    folder,
  };
}

function reasonsOf(grade: Grade): string[] {
  const reasons = grade.reasons.slice(0, maxReasons).map((reason) => cut(reason, maxReasonChars));
  if (grade.reasons.length > maxReasons) reasons.push(`… and ${grade.reasons.length - maxReasons} more`);
  return reasons.length > 0 ? reasons : ['not graded (no reason recorded)'];
}

function sameRun(a: Grade, b: Grade): boolean {
  return a.gradedAt === b.gradedAt && a.status === b.status && a.score === b.score && a.max === b.max;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
