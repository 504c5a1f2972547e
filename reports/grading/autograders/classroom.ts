import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../evidence.ts';
import type { Grade, GradeItem } from '../gradeModel.ts';
import { itemText, plainLine } from './gradeText.ts';

// GitHub Classroom: the result a grader action hands to education/autograding-grading-reporter. The reporter
// reads each runner's result from the env var `<RUNNER ID>_RESULTS` as base64 JSON, which the workflow sets
// from the grading step's `result` output; the shape is the one education/autograding-command-grader
// writes (version 1, status pass|fail|error, max_score, tests[]). Classroom is sent the sum of the tests'
// `score` over `max_score`; a result whose status is `fail` or `error` fails the workflow run. In a
// Classroom workflow:
//
//   - id: labdrill
//     run: npx labdrill run --config stack.yaml --rubric lamp-alb-efs --autograder classroom
//     continue-on-error: true   # a failed check exits 1; the reporter still has to run
//   - uses: education/autograding-grading-reporter@v1
//     env: { LABDRILL_RESULTS: "${{ steps.labdrill.outputs.result }}" }
//     with: { runners: labdrill }

export type ClassroomStatus = 'pass' | 'fail' | 'error';

export interface ClassroomTest {
  name: string;
  status: ClassroomStatus;
  score: number;
  message: string;
  test_code: string;
  filename: string;
  line_no: number;
  /** Milliseconds, as the command grader measures it. */
  duration: number;
}

export interface ClassroomResult {
  version: 1;
  status: ClassroomStatus;
  max_score: number;
  tests: ClassroomTest[];
}

function testStatus(item: GradeItem): ClassroomStatus {
  if (item.status === 'not-graded') return 'error';
  return item.status === 'earned' ? 'pass' : 'fail';
}

export function classroomResult(grade: Grade, report: RunReport): ClassroomResult {
  const notGraded = grade.status !== 'graded';
  const durations = new Map(report.checks.map((check) => [check.id, check.durationMs]));
  // Items that do not count (not run, not attempted) are left out: Classroom would count them as tests.
  const counted = grade.items.filter((item) => item.max > 0);
  const tests = counted.map((item): ClassroomTest => {
    const message = itemText(item).join('\n');
    return {
      name: plainLine(item.criterion, 120),
      // A student who is not graded gets no points at all, and every test says why.
      status: notGraded ? 'error' : testStatus(item),
      score: notGraded ? 0 : item.points,
      message: notGraded
        ? `not graded: ${grade.reasons.map((reason) => plainLine(reason)).join('; ')}\n${message}`
        : message,
      test_code: `labdrill check ${item.check}`,
      filename: '',
      line_no: 0,
      duration: Math.max(0, Math.round(durations.get(item.check) ?? 0)),
    };
  });
  const status: ClassroomStatus = notGraded
    ? 'error'
    : tests.every((test) => test.status === 'pass')
      ? 'pass'
      : 'fail';
  return { version: 1, status, max_score: grade.max, tests };
}

/**
 * Writes OUT/classroom-result.json and, under GitHub Actions (GITHUB_OUTPUT set), the step output `result`
 * (the base64 JSON the reporter reads as `<STEP ID>_RESULTS`). Returns the files written.
 */
export function writeClassroomFiles(
  grade: Grade,
  report: RunReport,
  outDir: string,
  env: NodeJS.ProcessEnv,
): string[] {
  const result = classroomResult(grade, report);
  const json = JSON.stringify(result);
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'classroom-result.json');
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  const files = [path];
  const output = env.GITHUB_OUTPUT;
  if (output) {
    // base64 has no newline, so the one-line `name=value` form of a step output is enough.
    appendFileSync(output, `result=${Buffer.from(json, 'utf8').toString('base64')}\n`);
    files.push(output);
  }
  return files;
}
