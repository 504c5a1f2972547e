import { basename, extname } from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { describeValue, firstIssueLine, parseInputYaml, readInputFile, valueAt } from './inputFile.ts';
import { type Stack, stackSchema } from './schema.ts';

/** A stack file that cannot be used. The message is one line: file, field, what is wrong. */
export class StackFileError extends Error {
  override readonly name = 'StackFileError';
}

const maxStackFileBytes = 1024 * 1024;

export function loadStackFile(path: string): Stack {
  const text = readInputFile(path, 'stack file', maxStackFileBytes, (message) => new StackFileError(message));
  return parseStackText(text, basename(path), extname(path).toLowerCase() === '.json' ? 'json' : 'yaml');
}

export function parseStackText(text: string, label: string, format: 'json' | 'yaml'): Stack {
  const raw =
    format === 'json' ? parseJson(text, label) : parseInputYaml(text, label, (m) => new StackFileError(m));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StackFileError(
      `${label}: the stack file must be a mapping of sections (name, s3, alb, …), got ${describeValue(raw)}`,
    );
  }
  const result = stackSchema.safeParse(raw);
  if (!result.success)
    throw new StackFileError(
      firstIssueLine(label, 'stack file', result.error.issues, (issue) => formatIssue(issue, raw)),
    );
  return result.data;
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StackFileError(`${label}: invalid JSON: ${(error as Error).message}`);
  }
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
  const got =
    value === undefined ? (issue.code === 'invalid_type' ? 'missing' : 'nothing') : describeValue(value);
  if (issue.code === 'invalid_type' && value === undefined) return `${field}: required field is missing`;
  if (issue.code === 'invalid_union') return `${field}: ${unionMessage(field)} (got ${got})`;
  return `${field}: ${issue.message} (got ${got})`;
}

function unionMessage(field: string): string {
  return field === 'exec'
    ? 'must be { via: ssm } or { via: ssh, user: … } (with ec2.bastion)'
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
