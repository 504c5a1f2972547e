// Choosing one resource among candidates. Hard requirements (in the lab's VPC, has a website
// configuration) are applied by the caller; the preferences here only narrow: each keeps the candidates
// that satisfy it, unless none does, in which case it is ignored. One left is the choice; several left
// is ambiguous and the user decides.

export interface Preference<T> {
  /** Why a candidate wins, e.g. `attached to the ALB's target group`. */
  label: string;
  test: (candidate: T) => boolean;
}

export type Choice<T> =
  { kind: 'chosen'; item: T; reasons: string[] } | { kind: 'none' } | { kind: 'ambiguous'; items: T[] };

export function chooseCandidate<T>(
  candidates: readonly T[],
  preferences: readonly Preference<T>[],
): Choice<T> {
  let remaining = [...candidates];
  if (remaining.length === 0) return { kind: 'none' };
  const reasons: string[] = [];
  for (const preference of preferences) {
    const kept = remaining.filter(preference.test);
    if (kept.length > 0 && kept.length < remaining.length) reasons.push(preference.label);
    if (kept.length > 0) remaining = kept;
  }
  const [only, ...others] = remaining;
  if (only !== undefined && others.length === 0) return { kind: 'chosen', item: only, reasons };
  return { kind: 'ambiguous', items: remaining };
}

/** `a, b, c and 4 more` for messages about several candidates. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
