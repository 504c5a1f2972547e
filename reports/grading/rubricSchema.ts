import { z } from 'zod';
import { defaults } from '../../config/defaults.ts';
import { expectSection, loadCapCount } from '../../config/schema.ts';
import { catalog } from '../../suites/catalog.ts';
import type { Rubric } from './gradeModel.ts';

// The rubric file (YAML): what each check is worth. Check ids and part names are the catalog's, so a typo
// fails when the rubric is loaded, never as a silent 0 when a class is graded.

const catalogById = new Map(catalog.map((entry) => [entry.id, entry]));

const checkId = z
  .string()
  .refine((id) => catalogById.has(id), { error: 'is not a check id (see labdrill checks)' })
  .describe('A check id from the catalog (labdrill checks)');

/** Points are compared after rounding away float dust (0.1 + 0.2). */
const samePoints = (a: number, b: number) => Math.abs(a - b) < 1e-6;

// Vocareum's grade file is `Criterion,score` lines: a criterion can hold neither a comma nor a line break.
const criterion = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^,\u0000-\u001f\u007f-\u009f]+$/, 'must be one line without commas (it names a grade column)')
  .refine((text) => text.trim() === text, { error: 'must not start or end with spaces' })
  .describe(
    "The name graders and autograders show for this item (Vocareum's criterion); the check id by default",
  );

const rubricItemSchema = z
  .strictObject({
    check: checkId,
    criterion: criterion.optional(),
    points: z.number().positive().max(1000).describe('What the item is worth'),
    required: z
      .boolean()
      .default(true)
      .describe(
        'A required item always counts toward the points possible; an optional one only when its check ran',
      ),
    parts: z
      .record(z.string().min(1).max(100), z.number().min(0).max(1000))
      .optional()
      .describe("Partial credit by the check's named parts; the part points sum to the item's points"),
  })
  .superRefine((item, context) => {
    if (!item.parts) return;
    const entry = catalogById.get(item.check);
    if (!entry) return; // already reported on `check`
    const known = entry.parts ?? [];
    for (const name of Object.keys(item.parts)) {
      if (known.includes(name)) continue;
      context.addIssue({
        code: 'custom',
        path: ['parts', name],
        message:
          known.length > 0
            ? `is not a part of ${item.check} (its parts: ${known.join(', ')})`
            : `${item.check} has no parts: its item is all or nothing`,
      });
    }
    const sum = Object.values(item.parts).reduce((total, points) => total + points, 0);
    if (!samePoints(sum, item.points)) {
      context.addIssue({
        code: 'custom',
        path: ['parts'],
        message: `part points sum to ${roundPoints(sum)}, not the item's ${item.points} points`,
      });
    }
  });

const { loadLimits } = defaults;

const capsSchema = z
  .strictObject({
    budgets: z
      .record(checkId, z.number().positive().max(3600))
      .optional()
      .describe("Per-check time budgets in seconds; the lower of this and the stack file's wins"),
    load: z
      .strictObject({
        // Within the load generator's own limits (config/defaults.ts loadLimits), like the stack file's.
        connections: loadCapCount('connections'),
        durationS: z.number().positive().max(loadLimits.durationS.max).optional(),
        maxRequests: loadCapCount('maxRequests'),
      })
      .optional()
      .describe('Load caps for the scale-out drill'),
  })
  .describe('Caps on drills run against students\u2019 accounts (labdrill grade --chaos)');

export const rubricSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of rubric.schema.json, for editors'),
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1–64 letters, digits, dots, dashes or underscores')
      .describe('The rubric name (built-ins: labdrill rubric list)'),
    title: z.string().min(1).max(200).optional().describe('A title for people; the name by default'),
    lab: z.string().min(1).max(200).optional().describe('Which lab (seed) it grades, for people'),
    items: z.array(rubricItemSchema).min(1).max(200).describe('What each check is worth'),
    expect: expectSection
      .optional()
      .describe("The lab's own numbers; when grading they win over the stack file's expect:"),
    caps: capsSchema.optional(),
  })
  .superRefine((rubric, context) => {
    const seenChecks = new Set<string>();
    const seenCriteria = new Set<string>();
    rubric.items.forEach((item, index) => {
      const itemCriterion = item.criterion ?? item.check;
      if (seenChecks.has(item.check)) {
        context.addIssue({
          code: 'custom',
          path: ['items', index, 'check'],
          message: `${item.check} is graded twice; one item per check`,
        });
      }
      if (seenCriteria.has(itemCriterion)) {
        context.addIssue({
          code: 'custom',
          path: ['items', index, 'criterion'],
          message: `criterion "${itemCriterion}" is used twice; each names its own grade column`,
        });
      }
      seenChecks.add(item.check);
      seenCriteria.add(itemCriterion);
    });
  })
  .transform((rubric): Rubric => ({
    name: rubric.name,
    title: rubric.title ?? rubric.name,
    ...(rubric.lab !== undefined ? { lab: rubric.lab } : {}),
    items: rubric.items.map((item) => ({
      check: item.check,
      criterion: item.criterion ?? item.check,
      points: item.points,
      required: item.required,
      ...(item.parts ? { parts: item.parts } : {}),
    })),
    ...(rubric.expect ? { expect: rubric.expect } : {}),
    ...(rubric.caps ? { caps: rubric.caps } : {}),
  }))
  .describe('A labdrill rubric: points per check, with partial credit by parts');

/** Points rounded to a thousandth, as grades show them. */
export function roundPoints(points: number): number {
  return Math.round(points * 1000) / 1000;
}

/** rubric.schema.json's text, generated from the zod schema (for editors and other tools). */
export function rubricJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(rubricSchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}
