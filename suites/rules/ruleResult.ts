import type { CheckPart, EvidenceRecorder, Json } from '../../reports/evidence.ts';

/**
 * What a configuration rule concludes from data already read: a suite turns it into passed/failed and
 * records `details` (and `notes`) as evidence. Rules never do I/O.
 */
export interface RuleResult {
  ok: boolean;
  /** One line, in the lab's words. */
  reason: string;
  /** For a failure: what to change in the stack. */
  fix?: string;
  /** Things worth a look that do not fail the check (e.g. SSH open on the bastion). */
  notes?: string[];
  details: { [key: string]: Json };
  /**
   * The check's named parts (suites/catalog.ts), each judged on its own for partial credit. A part the rule
   * could not judge (nothing to judge it on) is left out rather than guessed.
   */
  parts?: CheckPart[];
}

/** Records the rule's parts as the check's evidence parts (called where the rule becomes an outcome). */
export function recordParts(result: RuleResult, evidence: EvidenceRecorder): void {
  for (const part of result.parts ?? []) evidence.part(part.name, part.passed, part.detail);
}

/**
 * A part judged from the problems found for it: passed with `passedDetail` when there are none, else
 * failed with the first problem (and how many more).
 */
export function partFrom(name: string, problems: readonly string[], passedDetail: string): CheckPart {
  return problems.length === 0
    ? { name, passed: true, detail: passedDetail }
    : { name, passed: false, detail: summarize(problems) };
}

/** The reason for several problems: the first one in full, and how many more there are. */
export function summarize(problems: readonly string[]): string {
  const [first, ...rest] = problems;
  if (!first) return '';
  return rest.length === 0
    ? first
    : `${first} (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})`;
}

export function joinFixes(fixes: readonly string[]): string | undefined {
  const unique = [...new Set(fixes)];
  return unique.length > 0 ? unique.join('; ') : undefined;
}
