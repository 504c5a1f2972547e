import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from '../../evidence.ts';
import type { Grade, GradeItem } from '../gradeModel.ts';
import { gradeText, itemText, plainLine } from './gradeText.ts';

// Gradescope: results.json as its autograder specification describes it (top-level score, output,
// visibility, tests[] with name, score, max_score, status passed|failed, output). Every text field is set
// to the `text` format: Gradescope renders the top-level output as HTML by default (simple_format), and
// text from a stack must never become markup there.

/** Where Gradescope's harness reads results.json from, when labdrill runs inside its container. */
export const gradescopeResultsDir = '/autograder/results';

export type GradescopeVisibility = 'hidden' | 'after_due_date' | 'after_published' | 'visible';

export interface GradescopeTest {
  name: string;
  number: string;
  /** Absent for an item that does not count (not run, not attempted): an informational test. */
  score?: number;
  max_score?: number;
  status?: 'passed' | 'failed';
  output: string;
  output_format: 'text';
  name_format: 'text';
  tags: string[];
  visibility: GradescopeVisibility;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  test_name_format: 'text';
  visibility: GradescopeVisibility;
  stdout_visibility: GradescopeVisibility;
  tests: GradescopeTest[];
  extra_data: { labdrill: { status: Grade['status']; rubric: string; max: number; reasons: string[] } };
}

function gradescopeTest(item: GradeItem, index: number, notGraded: boolean): GradescopeTest {
  const output = itemText(item).join('\n');
  const base = {
    name: plainLine(item.criterion, 120),
    number: String(index + 1),
    output_format: 'text' as const,
    name_format: 'text' as const,
    tags: [item.check],
    visibility: 'visible' as const,
  };
  if (item.max <= 0) return { ...base, output };
  if (notGraded) {
    return {
      ...base,
      score: 0,
      max_score: item.max,
      status: 'failed',
      output: `Not graded (a problem on the grader's side, not a score of 0): ${output}`,
    };
  }
  return {
    ...base,
    score: item.points,
    max_score: item.max,
    status: item.status === 'earned' ? 'passed' : 'failed',
    output,
  };
}

export function gradescopeResults(grade: Grade, report: RunReport): GradescopeResults {
  const notGraded = grade.status !== 'graded';
  return {
    score: notGraded ? 0 : grade.score,
    execution_time: Math.max(
      0,
      Math.round((Number.isFinite(report.durationMs) ? report.durationMs : 0) / 1000),
    ),
    output: gradeText(grade),
    output_format: 'text',
    test_output_format: 'text',
    test_name_format: 'text',
    visibility: 'visible',
    // labdrill's own output names hosts and accounts: for the instructor only.
    stdout_visibility: 'hidden',
    tests: grade.items.map((item, index) => gradescopeTest(item, index, notGraded)),
    extra_data: {
      labdrill: { status: grade.status, rubric: grade.rubric, max: grade.max, reasons: grade.reasons },
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Writes OUT/results.json, and `resultsDir`/results.json where that folder exists (inside Gradescope's
 * container). Returns the files written.
 */
export function writeGradescopeFiles(
  grade: Grade,
  report: RunReport,
  outDir: string,
  resultsDir: string = gradescopeResultsDir,
): string[] {
  const text = `${JSON.stringify(gradescopeResults(grade, report), null, 2)}\n`;
  mkdirSync(outDir, { recursive: true });
  const files = [join(outDir, 'results.json')];
  if (isDirectory(resultsDir)) files.push(join(resultsDir, 'results.json'));
  for (const file of files) writeFileSync(file, text);
  return files;
}
