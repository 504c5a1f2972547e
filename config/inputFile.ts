import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';

// The files a user hands labdrill (stack files, rosters, rubrics) are read the same way: bounded in size,
// YAML with duplicate keys refused and aliases bounded (no alias bomb), and every problem one line naming the
// file, the field and the value. Each kind of file keeps its own error class (its name marks bad input).

export type FileErrorFactory = (message: string) => Error;

/** The file's text; a missing, oversized or unreadable file is one line through `fail`. */
export function readInputFile(path: string, what: string, maxBytes: number, fail: FileErrorFactory): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw fail(`${path}: cannot read ${what}: ${readProblem(error)}`);
  }
  if (size > maxBytes) {
    throw fail(`${path}: file is ${size} bytes; a ${what} may be at most ${sizeText(maxBytes)}`);
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw fail(`${path}: cannot read ${what}: ${readProblem(error)}`);
  }
}

function readProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such file'
    : code === 'EISDIR'
      ? 'is a directory, not a file'
      : String(code ?? error);
}

function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** The YAML document as plain data; syntax errors name line and column. */
export function parseInputYaml(text: string, label: string, fail: FileErrorFactory): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = document.errors[0];
  if (first) {
    const position = lineCounter.linePos(first.pos[0]);
    const message = first.message.split('\n')[0];
    throw fail(`${label}:${position.line}:${position.col}: invalid YAML: ${message}`);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases that expand past the bound (an alias bomb) are bad input, not labdrill's failure.
    throw fail(`${label}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The first schema problem, in one line, with how many more there are. */
export function firstIssueLine(
  label: string,
  what: string,
  issues: readonly z.core.$ZodIssue[],
  format: (issue: z.core.$ZodIssue) => string,
): string {
  const [first, ...rest] = issues;
  if (!first) return `${label}: invalid ${what}`;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
  return `${label}: ${format(first)}${more}`;
}

/** The value at a schema issue's path in the raw data, for "got …". */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A value as an error message shows it: its kind, or the value itself cut short. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  return String(value);
}
