import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type Stack, stackSchema } from './schema.ts';

/** A stack file that cannot be used. The message is one line: file, field, what is wrong. */
export class StackFileError extends Error {
  override readonly name = 'StackFileError';
}

const maxStackFileBytes = 1024 * 1024;

export function loadStackFile(path: string): Stack {
  const label = basename(path);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > maxStackFileBytes)
      throw new StackFileError(`${path}: file is ${size} bytes; a stack file may be at most 1 MiB`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof StackFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : String(code ?? error);
    throw new StackFileError(`${path}: cannot read stack file: ${why}`);
  }
  return parseStackText(text, label, extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
}

export function parseStackText(text: string, label: string, format: 'json' | 'yaml'): Stack {
  const raw = format === 'json' ? parseJson(text, label) : parseYaml(text, label);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StackFileError(
      `${label}: the stack file must be a mapping of sections (name, s3, alb, …), got ${describe(raw)}`,
    );
  }
  const result = stackSchema.safeParse(raw);
  if (!result.success) throw new StackFileError(formatIssues(label, result.error.issues, raw));
  return result.data;
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackFileError(`${label}: invalid JSON: ${(error as Error).message}`);
  }
}

function parseYaml(text: string, label: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = document.errors[0];
  if (first) {
    const position = lineCounter.linePos(first.pos[0]);
    const where = `:${position.line}:${position.col}`;
    const message = first.message.split('\n')[0];
    throw new StackFileError(`${label}${where}: invalid YAML: ${message}`);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb: aliases that expand past the bound are bad input, not labdrill's failure.
    throw new StackFileError(`${label}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

function formatIssues(label: string, issues: readonly z.core.$ZodIssue[], raw: unknown): string {
  const [first, ...rest] = issues;
  if (!first) return `${label}: invalid stack file`;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  return `${label}: ${formatIssue(first, raw)}${more}`;
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  const field = path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(path);
    const key = issue.keys[0] ?? '';
    const where = path.length > 0 ? `${path.join('.')}.${key}` : key;
    const suggestion = known.length > 0 ? closest(key, known) : undefined;
    const hint = suggestion && isNear(key, suggestion) ? ` (did you mean '${suggestion}'?)` : '';
    return `${where}: unknown key${hint}`;
  }
  const value = valueAt(raw, issue.path);
  const got = value === undefined ? (issue.code === 'invalid_type' ? 'missing' : 'nothing') : describe(value);
  if (issue.code === 'invalid_type' && value === undefined) return `${field}: required field is missing`;
  if (issue.code === 'invalid_union') return `${field}: ${unionMessage(field)} (got ${got})`;
  return `${field}: ${issue.message} (got ${got})`;
}

function unionMessage(field: string): string {
  return field === 'exec'
    ? 'must be { via: ssm } or { via: ssh, bastion: HOST, user: … }'
    : 'has the wrong shape';
}

function isNear(typed: string, known: string): boolean {
  return distance(typed.toLowerCase(), known.toLowerCase()) <= Math.max(2, Math.floor(known.length / 3));
}

/** The keys the schema allows at a path, for "did you mean". */
function knownKeysAt(path: string[]): string[] {
  let schema: z.core.$ZodType = stackSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    const shape = objectShape(schema);
    const next = shape?.[segment];
    if (!next) {
      const def = schema._zod.def as { type: string; options?: z.core.$ZodType[] };
      if (def.type === 'union' && def.options)
        return def.options.flatMap((option) => Object.keys(objectShape(option) ?? {}));
      return [];
    }
    schema = next;
  }
  schema = unwrap(schema);
  const def = schema._zod.def as { type: string; options?: z.core.$ZodType[] };
  if (def.type === 'union' && def.options) {
    return [...new Set(def.options.flatMap((option) => Object.keys(objectShape(option) ?? {})))];
  }
  return Object.keys(objectShape(schema) ?? {});
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) {
      current = def.innerType;
    } else break;
  }
  return current;
}

function objectShape(schema: z.core.$ZodType): Record<string, z.core.$ZodType> | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> };
  return def.type === 'object' ? def.shape : undefined;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return String(value);
}
