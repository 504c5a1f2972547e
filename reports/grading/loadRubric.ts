import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { packageRoot } from '../../cli/packageRoot.ts';
import {
  describeValue,
  firstIssueLine,
  parseInputYaml,
  readInputFile,
  valueAt,
} from '../../config/inputFile.ts';
import type { Rubric } from './gradeModel.ts';
import { rubricSchema } from './rubricSchema.ts';

// Loads a rubric: a built-in name (reports/grading/rubrics/NAME.yaml, read from the package root at run
// time because tsc copies no YAML into dist/) or a file path. A rubric comes from a course, not from a
// student, but it is still input: its size is bounded and every error is one line naming file and field.

/** A rubric that cannot be used. The message is one line: file, field, what is wrong. */
export class RubricFileError extends Error {
  override readonly name = 'RubricFileError';
}

export const builtInRubricNames = [
  's3-cloudfront',
  'lamp-alb-efs',
  'rds',
  'auto-scaling',
  'ha-aurora',
  'mini-project',
] as const;

export type BuiltInRubricName = (typeof builtInRubricNames)[number];

const maxRubricFileBytes = 256 * 1024;

export function isBuiltInRubricName(name: string): name is BuiltInRubricName {
  return (builtInRubricNames as readonly string[]).includes(name);
}

export function builtInRubricPath(name: BuiltInRubricName): string {
  return join(packageRoot, 'reports', 'grading', 'rubrics', `${name}.yaml`);
}

/** A built-in rubric by name, or the rubric file at a path. */
export function loadRubric(nameOrPath: string): Rubric {
  if (isBuiltInRubricName(nameOrPath)) return loadRubricFile(builtInRubricPath(nameOrPath));
  const looksLikePath = /[\\/]|\.(ya?ml|json)$/i.test(nameOrPath);
  if (!looksLikePath) {
    const suggestion = closest(nameOrPath, [...builtInRubricNames]);
    const hint =
      distance(nameOrPath, suggestion) <= Math.max(2, Math.floor(suggestion.length / 3))
        ? ` (did you mean '${suggestion}'?)`
        : '';
    if (!existsSync(nameOrPath)) {
      throw new RubricFileError(
        `rubric '${oneLine(nameOrPath)}': not a built-in rubric${hint} and no such file; built-ins: ${builtInRubricNames.join(', ')}`,
      );
    }
  }
  return loadRubricFile(nameOrPath);
}

/** Every built-in rubric, in the order of the labs. */
export function loadBuiltInRubrics(): Rubric[] {
  return builtInRubricNames.map((name) => loadRubricFile(builtInRubricPath(name)));
}

export function loadRubricFile(path: string): Rubric {
  const text = readInputFile(
    path,
    'rubric file',
    maxRubricFileBytes,
    (message) => new RubricFileError(message),
  );
  return parseRubricText(text, basename(path));
}

/** Parses rubric YAML (JSON is YAML too); `label` names the file in errors. */
export function parseRubricText(text: string, label: string): Rubric {
  const raw = parseInputYaml(text, label, (message) => new RubricFileError(message));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RubricFileError(`${label}: a rubric is a mapping (name, items, …), got ${describeValue(raw)}`);
  }
  const result = rubricSchema.safeParse(raw);
  if (!result.success)
    throw new RubricFileError(
      firstIssueLine(label, 'rubric', result.error.issues, (issue) => formatIssue(issue, raw)),
    );
  return result.data;
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return `${issue.path.length > 0 ? `${field}.` : ''}${oneLine(key)}: unknown key`;
  }
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return `${field}: required field is missing`;
  const got = value === undefined ? '' : ` (got ${describeValue(value)})`;
  return `${field}: ${oneLine(issue.message)}${got}`;
}

/** Text for a one-line message: no line breaks or control characters, bounded. */
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}
