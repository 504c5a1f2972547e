import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { describeValue, firstIssueLine, parseInputYaml, readInputFile, valueAt } from './inputFile.ts';
import {
  type DiscoverySelector,
  defaultNamePrefix,
  namePrefixSelector,
  SelectorError,
  tagSelector,
} from './discoverySelector.ts';

// The roster of a class (`labdrill grade --roster class.yaml`): the course, its rubric, and each student
// with the stack to grade and the AWS credentials to read it with. A roster is written by a course, but
// its display names come from students, so every field is bounded and the file itself is too.
// Secrets never go in a roster: a student's credentials are an AWS profile or a role to assume.

/** A roster that cannot be used. The message is one line: file, field, value. */
export class RosterFileError extends Error {
  override readonly name = 'RosterFileError';
}

const maxRosterFileBytes = 1024 * 1024;
/** Far more than a class; the bound keeps a runaway file from becoming a runaway grading run. */
const maxStudents = 5_000;

/** A student id names the student's output folder, so it must be a safe folder name on every system. */
export const studentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
// AWS profile names are section names of ~/.aws/config: no whitespace, brackets or control characters.
const profilePattern = /^[^\s[\]\u0000-\u001f\u007f]{1,128}$/;
const regionPattern = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
/** A built-in rubric's name; anything else (a path, a file name with an extension) is a rubric file. */
const rubricNamePattern = /^[a-z0-9][a-z0-9-]{0,63}$/;

const pathField = z.string().min(1).max(1024);

const discoverField = z.strictObject({
  region: z.string().regex(regionPattern, 'must be an AWS region like ap-northeast-2'),
  namePrefix: z.string().min(1).max(128).optional(),
  tag: z.string().min(1).max(400).optional(),
});

const studentEntry = z
  .strictObject({
    id: z
      .string()
      .regex(studentIdPattern, 'must be 1–64 letters, digits, . _ or -, starting with a letter or digit'),
    name: z.string().min(1).max(200),
    stack: pathField.optional(),
    discover: discoverField.optional(),
    profile: z.string().regex(profilePattern, 'must be an AWS profile name (no spaces)').optional(),
    roleArn: z
      .string()
      .regex(roleArnPattern, 'must be an IAM role ARN like arn:aws:iam::123456789012:role/Grader')
      .optional(),
  })
  .superRefine((student, ctx) => {
    const { stack, discover } = student;
    if ((stack === undefined) === (discover === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['stack'],
        message: 'give exactly one of stack: (a stack file) or discover: (region and namePrefix or tag)',
      });
    }
    if (discover?.namePrefix !== undefined && discover.tag !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['discover'],
        message: 'namePrefix and tag select the same thing; give one of them',
      });
    }
  });

const rosterSchema = z.strictObject({
  course: z.string().min(1).max(200),
  rubric: pathField.optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  students: z.array(studentEntry).min(1).max(maxStudents),
});

/** Where the stack of a student comes from: discovery in their account, as `labdrill discover` does. */
export interface RosterDiscovery {
  region: string;
  selector: DiscoverySelector;
}

interface RosterStudentBase {
  id: string;
  /** Display name: untrusted text for people, never used as a path. */
  name: string;
  profile?: string;
  roleArn?: string;
}

export type RosterStudent = RosterStudentBase &
  (
    | { /** Absolute path of the student's stack file. */ stack: string; discover?: undefined }
    | { discover: RosterDiscovery; stack?: undefined }
  );

/** A built-in rubric by name, or a rubric file (absolute path). Whether the name exists is the caller's check. */
export type RubricReference = { kind: 'builtin'; name: string } | { kind: 'file'; path: string };

export interface Roster {
  /** Absolute path of the roster file. */
  file: string;
  course: string;
  rubric?: RubricReference;
  concurrency?: number;
  /** In the file's order. */
  students: RosterStudent[];
}

/**
 * Reads and validates a roster file. Paths in it (stack files, a rubric file) are relative to the roster
 * file and come back absolute; whether those files exist is checked when each student is graded.
 */
export function loadRoster(path: string): Roster {
  const file = resolve(path);
  const text = readInputFile(path, 'roster', maxRosterFileBytes, (message) => new RosterFileError(message));
  return parseRosterText(text, file);
}

/** Validates roster text; `file` is where it came from (for messages and relative paths). */
export function parseRosterText(text: string, file: string): Roster {
  const label = basename(file);
  const raw = parseInputYaml(text, label, (message) => new RosterFileError(message));
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RosterFileError(
      `${label}: a roster must be a mapping (course, rubric, students), got ${describeValue(raw)}`,
    );
  }
  const result = rosterSchema.safeParse(raw);
  if (!result.success)
    throw new RosterFileError(
      firstIssueLine(label, 'roster', result.error.issues, (issue) => formatIssue(issue, raw)),
    );
  const data = result.data;
  const base = dirname(file);

  const seen = new Map<string, number>();
  const students = data.students.map((entry, index): RosterStudent => {
    // Folders named s001 and S001 are one folder on macOS and Windows.
    const key = entry.id.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new RosterFileError(
        `${label}: students.${index}.id: '${entry.id}' is already the id of students.${earlier} (ids must be unique, ignoring case)`,
      );
    }
    seen.set(key, index);
    const common: RosterStudentBase = {
      id: entry.id,
      name: entry.name,
      ...(entry.profile !== undefined ? { profile: entry.profile } : {}),
      ...(entry.roleArn !== undefined ? { roleArn: entry.roleArn } : {}),
    };
    if (entry.stack !== undefined) return { ...common, stack: resolve(base, entry.stack) };
    const discover = entry.discover!;
    return { ...common, discover: { region: discover.region, selector: selectorOf(discover, label, index) } };
  });

  return {
    file,
    course: data.course,
    ...(data.rubric !== undefined ? { rubric: rubricReference(data.rubric, base) } : {}),
    ...(data.concurrency !== undefined ? { concurrency: data.concurrency } : {}),
    students,
  };
}

function rubricReference(value: string, base: string): RubricReference {
  const looksLikeFile = isAbsolute(value) || /[/\\]/.test(value) || extname(value) !== '';
  if (!looksLikeFile && rubricNamePattern.test(value)) return { kind: 'builtin', name: value };
  return { kind: 'file', path: resolve(base, value) };
}

function selectorOf(
  discover: z.infer<typeof discoverField>,
  label: string,
  index: number,
): DiscoverySelector {
  try {
    return discover.tag !== undefined
      ? tagSelector(discover.tag)
      : namePrefixSelector(discover.namePrefix ?? defaultNamePrefix);
  } catch (error) {
    if (!(error instanceof SelectorError)) throw error;
    const field = discover.tag !== undefined ? 'tag' : 'namePrefix';
    // The selector's message speaks of the command's flags; here the field is in a file.
    const why = error.message.replace(/^--[a-z-]+: /, '');
    throw new RosterFileError(`${label}: students.${index}.discover.${field}: ${why}`);
  }
}

function formatIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const where = issue.path.length > 0 ? `${field}.${key}` : key;
    const secretHint = /^(env|secret|password|accessKey|secretAccessKey|token)/i.test(key)
      ? ' (secrets never go in a roster: use profile or roleArn)'
      : '';
    return `${where}: unknown key${secretHint}`;
  }
  const value = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return `${field}: required field is missing`;
  if (issue.code === 'custom') return `${field}: ${issue.message}`;
  return `${field}: ${issue.message} (got ${value === undefined ? 'nothing' : describeValue(value)})`;
}
