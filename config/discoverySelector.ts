// What the user told discovery to look for: resources whose Name starts with a prefix (the lab's own
// naming, `lab-vpc…`), or resources carrying one tag. The seeds' names are the tie-breakers.

export type DiscoverySelector =
  { kind: 'name-prefix'; prefix: string } | { kind: 'tag'; key: string; value: string };

/** The seeds name everything after the VPC: lab-vpc, lab-vpc-alb-asg, lab-vpc-asg, lab-vpc-rds … */
export const defaultNamePrefix = 'lab-vpc';

export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

// EC2 filters treat * and ? as wildcards; a prefix holding them would match more than it says.
const prefixPattern = /^[A-Za-z0-9 _.:/=+@-]{1,128}$/;

export function namePrefixSelector(prefix: string): DiscoverySelector {
  if (!prefixPattern.test(prefix)) {
    throw new SelectorError(
      `--name-prefix: '${prefix.slice(0, 40)}' must be 1–128 letters, digits, spaces or _.:/=+@- (no wildcards)`,
    );
  }
  return { kind: 'name-prefix', prefix };
}

/** Parses `KEY=VALUE` (the value may be empty, the key may not). */
export function tagSelector(text: string): DiscoverySelector {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  const value = at > 0 ? text.slice(at + 1) : '';
  if (!key || key.length > 128 || value.length > 256 || /[*?]/.test(text)) {
    throw new SelectorError(
      `--tag: expected KEY=VALUE without wildcards, e.g. --tag Project=lab (got '${text.slice(0, 40)}')`,
    );
  }
  return { kind: 'tag', key, value };
}

export function describeSelector(selector: DiscoverySelector): string {
  return selector.kind === 'name-prefix'
    ? `names starting with '${selector.prefix}'`
    : `tag ${selector.key}=${selector.value}`;
}

/** Tags as a plain record, from any AWS `[{ Key, Value }]` list. */
export function tagsOf(
  list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of list ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

/** Whether a resource's name or tags match the selector. */
export function selectorMatches(
  selector: DiscoverySelector,
  resource: { name?: string | undefined; tags?: Readonly<Record<string, string>> },
): boolean {
  if (selector.kind === 'name-prefix') return resource.name?.startsWith(selector.prefix) ?? false;
  return resource.tags?.[selector.key] === selector.value;
}

/** The seed's name for a part (`-alb-asg` → `lab-vpc-alb-asg`); only when names are the selector. */
export function seedName(selector: DiscoverySelector, suffix: string): string | undefined {
  return selector.kind === 'name-prefix' ? `${selector.prefix}${suffix}` : undefined;
}
