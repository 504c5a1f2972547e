// The autograder platforms labdrill writes a grade for (--autograder), apart from the writers so that
// checking the flag loads nothing else.

export const autograderKinds = ['classroom', 'vocareum', 'gradescope'] as const;

export type AutograderKind = (typeof autograderKinds)[number];

export function isAutograderKind(value: string): value is AutograderKind {
  return (autograderKinds as readonly string[]).includes(value);
}
