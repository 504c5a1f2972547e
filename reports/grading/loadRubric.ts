import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { packageRoot } from '../../cli/packageRoot.ts';
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
    try {
      statSync(nameOrPath);
    } catch {
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
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxRubricFileBytes) {
      throw new RubricFileError(`${path}: file is ${size} bytes; a rubric file may be at most 256 KiB`);
    }
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof RubricFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : String(code ?? error);
    throw new RubricFileError(`${path}: cannot read rubric file: ${why}`);
  }
  return parseRubricText(text, basename(path));
}

/** Parses rubric YAML (JSON is YAML too); `label` names the file in errors. */
export function parseRubricText(text: string, label: string): Rubric {
  const raw = parseYaml(text, label);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RubricFileError(`${label}: a rubric is a mapping (name, items, …), got ${describe(raw)}`);
  }
  const result = rubricSchema.safeParse(raw);
  if (!result.success) throw new RubricFileError(formatIssues(label, result.error.issues, raw));
  return result.data;
}

function parseYaml(text: string, label: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = document.errors[0];
  if (first) {
    const position = lineCounter.linePos(first.pos[0]);
    throw new RubricFileError(
      `${label}:${position.line}:${position.col}: invalid YAML: ${first.message.split('\n')[0]}`,
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases that expand past the bound (an alias bomb) are bad input, not labdrill's failure.
    throw new RubricFileError(`${label}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

function formatIssues(label: string, issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const [first, ...rest] = issues;
  if (!first) return `${label}: invalid rubric`;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  return `${label}: ${formatIssue(first, raw)}${more}`;
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return `${issue.path.length > 0 ? `${field}.` : ''}${oneLine(key)}: unknown key`;
  }
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return `${field}: required field is missing`;
  const got = value === undefined ? '' : ` (got ${describe(value)})`;
  return `${field}: ${oneLine(issue.message)}${got}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Text for a one-line message: no line breaks or control characters, bounded. */
function oneLine(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(oneLine(value.length > 80 ? `${value.slice(0, 80)}…` : value));
  return String(value);
}
