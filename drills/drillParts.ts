import type { EvidenceRecorder } from '../reports/evidence.ts';

// A drill's verification as named parts (the catalog's `parts`), for partial credit: each problem the
// verification finds costs one part, and a part without problems passed.

/** A problem a drill's verification found, and the part of the check it costs. */
export interface PartProblem<P extends string = string> {
  part: P;
  reason: string;
  fix?: string;
}

/**
 * Records every part: failed with its first problem (and how many more), else passed with what was seen.
 * A part whose passed detail is null was not measured (e.g. writes without SQL access) and is left out,
 * unless a problem was found for it.
 */
export function recordDrillParts<P extends string>(
  evidence: EvidenceRecorder,
  passedDetails: Readonly<Record<P, string | null>>,
  problems: readonly PartProblem<NoInfer<P>>[],
): void {
  for (const part of Object.keys(passedDetails) as P[]) {
    const found = problems.filter((problem) => problem.part === part);
    const [first] = found;
    if (first) {
      const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
      evidence.part(part, false, `${first.reason}${more}`);
    } else {
      const detail = passedDetails[part];
      if (detail !== null) evidence.part(part, true, detail);
    }
  }
}

/** Records each part as failed because the drill could not judge it, saying why. */
export function recordPartsNotJudged(
  evidence: EvidenceRecorder,
  parts: readonly string[],
  why: string,
): void {
  for (const part of parts) evidence.part(part, false, `not judged: ${why}`);
}
