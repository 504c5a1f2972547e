import type { Tag } from '@aws-sdk/client-ec2';

// How rules name AWS resources in messages: the Name tag the student gave, then the id.

export function nameTag(tags: readonly Tag[] | undefined): string | undefined {
  const value = tags?.find((tag) => tag.Key === 'Name')?.Value;
  return value ? value : undefined;
}

/** `public-subnet-a1 (subnet-0a1…)`, or the bare id when the resource has no Name tag. */
export function labelled(id: string | undefined, tags?: readonly Tag[]): string {
  const name = nameTag(tags);
  const shownId = id ?? '(no id)';
  return name && name !== id ? `${name} (${shownId})` : shownId;
}
