import type { Stack } from '../config/schema.ts';

// What discovery has to tell the reader of the stack file: what it could not find, what was ambiguous,
// what it kept from the user's file. Each note sits above its section as a YAML comment.

export type StackSection = Exclude<keyof Stack, '$schema'>;

/** The order of sections in a written stack file (the design's sketch). */
export const sectionOrder: readonly StackSection[] = [
  'name',
  'region',
  'aws',
  'vpc',
  's3',
  'cloudfront',
  'alb',
  'ec2',
  'efs',
  'exec',
  'rds',
  'asg',
  'dns',
  'thresholds',
  'probe',
  'chaos',
];

export interface DiscoveryNote {
  section: StackSection;
  /**
   * The dotted field the note asks the user to set (`s3.bucket`); the note is dropped once a merged
   * file sets it. Omitted for notes that stay true whatever the user sets.
   */
  field?: string;
  /** One or more lines, without the leading `#`. */
  text: string;
}

export function valueAtPath(stack: Stack, path: string): unknown {
  let current: unknown = stack;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The notes still worth saying about this stack: asks for fields that are now set are dropped. */
export function openNotes(notes: readonly DiscoveryNote[], stack: Stack): DiscoveryNote[] {
  return notes.filter((note) => note.field === undefined || valueAtPath(stack, note.field) === undefined);
}
