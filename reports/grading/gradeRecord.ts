import { z } from 'zod';
import type { Grade } from './gradeModel.ts';

// A Grade read back from disk (grade.json, a line of history.jsonl). Those files may come from another
// machine (a CI artifact of a shard), so they are checked before use: the fields the summary reads must
// have the types gradeModel.ts promises. Fields this check does not know are kept, so newer optional
// fields survive a merge.

const itemStatus = z.enum(['earned', 'partial', 'lost', 'not-attempted', 'not-run', 'not-graded']);

const gradeItem = z.looseObject({
  check: z.string().max(200),
  criterion: z.string().max(400),
  required: z.boolean(),
  status: itemStatus,
  points: z.number().finite(),
  max: z.number().finite(),
  verdict: z.string().max(40),
  why: z.string(),
});

const gradeShape = z.looseObject({
  schema: z.literal('labdrill.grade/1'),
  rubric: z.string().max(200),
  stack: z.string(),
  status: z.enum(['graded', 'not-graded']),
  score: z.number().finite(),
  max: z.number().finite(),
  reasons: z.array(z.string()).max(1_000),
  items: z.array(gradeItem).max(1_000),
  gradedAt: z.string().max(64),
});

/** The Grade in `value`, or a one-line reason why it is not one. */
export function parseGrade(value: unknown): { grade: Grade } | { problem: string } {
  const result = gradeShape.safeParse(value);
  if (result.success) return { grade: result.data as unknown as Grade };
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(top level)';
  return { problem: `${field}: ${issue?.message ?? 'not a grade'}` };
}
