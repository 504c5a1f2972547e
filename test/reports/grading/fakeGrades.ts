import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Grade, GradeItem, ItemStatus } from '../../../reports/grading/gradeModel.ts';
import { historyFileName } from '../../../reports/grading/history.ts';

// Grades made by hand for the summary tests: the shape grade.json has, with the points chosen by the test.

export interface FakeItem {
  check: string;
  points: number;
  max: number;
  status?: ItemStatus;
}

export function fakeGrade(options: {
  items: FakeItem[];
  at: string;
  status?: 'graded' | 'not-graded';
  reasons?: string[];
  rubric?: string;
}): Grade {
  const status = options.status ?? 'graded';
  const items: GradeItem[] = options.items.map((item) => ({
    check: item.check,
    criterion: `Criterion of ${item.check}`,
    required: true,
    status: item.status ?? (item.points === item.max ? 'earned' : item.points > 0 ? 'partial' : 'lost'),
    points: item.points,
    max: item.max,
    verdict: item.points === item.max ? 'pass' : 'fail',
    why: item.points === item.max ? 'passed' : `lost ${item.max - item.points} points`,
  }));
  const score = items.reduce((sum, item) => sum + item.points, 0);
  const max = items.reduce((sum, item) => sum + item.max, 0);
  return {
    schema: 'labdrill.grade/1',
    rubric: options.rubric ?? 'lamp-alb-efs',
    stack: 'lab',
    status,
    score: status === 'graded' ? score : 0,
    max,
    reasons: options.reasons ?? [],
    items,
    gradedAt: options.at,
  };
}

/** What a grading run leaves in DIR/<id>/: grade.json, report.json, report.html, and a line of history. */
export function writeStudentRun(outDir: string, id: string, grade: Grade): string {
  const dir = join(outDir, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'grade.json'), `${JSON.stringify(grade, null, 2)}\n`);
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ schema: 'labdrill.report/1', student: id }));
  writeFileSync(join(dir, 'report.html'), `<!DOCTYPE html><title>${id}</title>`);
  appendFakeHistory(dir, grade);
  return dir;
}

/** A line of DIR/history.jsonl as a grading run appends it (its format is history.test.ts's to check). */
export function appendFakeHistory(dir: string, grade: Grade): void {
  appendFileSync(join(dir, historyFileName), `${JSON.stringify(grade)}\n`);
}
