import type { LabExpectations } from '../../config/schema.ts';
import type { ErrorCode } from '../errorCodes.ts';
import type { Verdict } from '../evidence.ts';

// The grading model: a rubric (what each check is worth), a grade (one student's score against it) and the
// class summary. grade.json and summary.json are these shapes; their field names are an interface.

export interface RubricItem {
  /** A check id from the catalog. */
  check: string;
  /** The name graders and autograders show for this item (Vocareum's criterion); the check id by default. */
  criterion: string;
  points: number;
  /** A required item always counts toward the points possible; an optional one only when its check ran. */
  required: boolean;
  /** Partial credit by the check's named parts (evidence.parts); without parts the item is all or nothing. */
  parts?: Record<string, number>;
}

/** Caps a course sets on drills run against students' accounts (only with `labdrill grade --chaos`). */
export interface RubricCaps {
  /** Per-check time budgets in seconds, as in the stack file's `budgets:`; the lower of the two wins. */
  budgets?: Record<string, number>;
  /** Load caps for the scale-out drill. */
  load?: { connections?: number; durationS?: number; maxRequests?: number };
}

export interface Rubric {
  name: string;
  title: string;
  /** Which lab (seed) it grades, for people. */
  lab?: string;
  items: RubricItem[];
  /** The lab's own numbers; they override the stack file's `expect:` when grading. */
  expect?: LabExpectations;
  caps?: RubricCaps;
}

export type ItemStatus =
  /** Every point of the item. */
  | 'earned'
  /** Some of its parts. */
  | 'partial'
  /** None: failed, or skipped because the stack lacks what it needs. */
  | 'lost'
  /** An optional item whose check did not run: not counted in the points possible. */
  | 'not-attempted'
  /** Its check did not run for a reason on the grader's side (e.g. drills without --chaos): not counted. */
  | 'not-run'
  /** Its check ended in a harness-side error: the student is not graded. */
  | 'not-graded';

export interface GradedPart {
  name: string;
  points: number;
  max: number;
  passed: boolean;
  detail: string;
}

export interface GradeItem {
  check: string;
  criterion: string;
  required: boolean;
  status: ItemStatus;
  points: number;
  /** What the item counts toward the points possible (0 for not-attempted and not-run). */
  max: number;
  /** The check's verdict, or `missing` when the report has no entry for it. */
  verdict: Verdict | 'missing';
  errorCode?: ErrorCode;
  /** One line: why these points (the check's reason, or what is missing). */
  why: string;
  parts?: GradedPart[];
}

export interface Grade {
  schema: 'labdrill.grade/1';
  rubric: string;
  stack: string;
  /** not-graded when any item ended in a harness-side error: no score is given then. */
  status: 'graded' | 'not-graded';
  /** Points earned (0 when not graded). */
  score: number;
  /** Points possible. */
  max: number;
  /** For not-graded: why, one line per item. */
  reasons: string[];
  items: GradeItem[];
  gradedAt: string;
}

/** One item of a student in summary.json. */
export interface SummaryItem {
  check: string;
  criterion: string;
  status: ItemStatus;
  points: number;
  max: number;
  /** When this item first earned all its points in this folder's history, or null. */
  firstPassedAt: string | null;
}

export interface SummaryStudent {
  id: string;
  name: string;
  status: 'graded' | 'not-graded';
  /** The latest run's score (null when it was not graded). */
  score: number | null;
  max: number | null;
  /** Why the latest run was not graded. */
  reasons: string[];
  items: SummaryItem[];
  /** The best graded score over every run kept for this student, and when. */
  best: { score: number; max: number; at: string } | null;
  latest: { at: string; status: 'graded' | 'not-graded' };
  runs: number;
  /** The student's folder, relative to the summary. */
  folder: string;
}

export interface ClassSummary {
  schema: 'labdrill.summary/1';
  course: string;
  rubric: string;
  generatedAt: string;
  /** Points possible on this rubric (a graded student's max may be lower: optional and not-run items). */
  students: SummaryStudent[];
}
