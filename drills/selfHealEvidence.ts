// The self-heal drill's evidence: the replacement time and the ALB's error window as measures, every ALB
// answer's status and time as series, why answers were not served, the selfHeal record the report reads,
// and the replacement's phases on the timeline.

import { type ServingAnswer, servingProblems } from '../probes/asgObservation/albServing.ts';
import type { ReplacementTimeline } from '../probes/asgObservation/replacementTimeline.ts';
import type { DrillContext } from './experiment.ts';
import { type SelfHealObservation, seconds } from './selfHealVerdict.ts';

function replacementText(timeline: ReplacementTimeline): string {
  const r = timeline.replacement;
  return r ? `${r.id} in ${r.availabilityZone}` : 'no replacement seen';
}

/** The measures, series and records of one run, then its timeline events. */
export function recordSelfHealEvidence(
  ctx: DrillContext,
  seen: SelfHealObservation,
  answers: readonly ServingAnswer[],
  failures: readonly string[],
): void {
  const { evidence } = ctx;
  const r = seen.replacement.replacement;
  if (r?.inServiceAtMs != null)
    evidence.measure('replacement InService after loss', seconds(r.inServiceAtMs - seen.disruptedAtMs), 's');
  if (r?.healthyAtMs != null)
    evidence.measure(
      'replacement time (loss → healthy in target group)',
      seconds(r.healthyAtMs - seen.disruptedAtMs),
      's',
    );
  evidence.measure('ALB error window', seconds(seen.serving.errorWindowMs), 's');
  evidence.measure(
    'ALB longest outage',
    seconds(seen.serving.longestOutageMs),
    's',
    `limit ${seen.maxOutageS} s`,
  );
  evidence.measure(
    'ALB errors',
    seen.serving.errors,
    'requests',
    `of ${seen.serving.requests} after the loss`,
  );
  evidence.series(
    'ALB answer status',
    'status',
    answers.map((a) => a.status ?? 0),
  );
  evidence.series(
    'ALB answer time',
    'ms',
    answers.map((a) => Math.round(a.ms)),
  );
  evidence.note('ALB answer status 0 means no HTTP answer (connection error or timeout)');
  const problems = servingProblems(answers.filter((a) => a.atMs >= seen.disruptedAtMs));
  if (problems.length > 0) {
    evidence.note(
      `answers not served (not 200, or a database error on the page): ${problems.map((p) => `${p.problem} (${p.count})`).join('; ')}`,
    );
  }
  evidence.set('selfHeal', {
    mode: seen.mode,
    lost: { ...seen.lost },
    lostCause: seen.replacement.lostCause,
    replacement: r ? { id: r.id, availabilityZone: r.availabilityZone } : null,
    launchCause: seen.replacement.launchCause,
    servedBy: [...seen.servedBy],
  });
  for (const failure of failures) evidence.note(`a look at the group failed: ${failure}`);
  recordTimeline(ctx, seen);
}

/** The replacement's phases and the ALB's errors as timeline events, at the moments they were seen. */
function recordTimeline(ctx: DrillContext, seen: SelfHealObservation): void {
  const { replacement, serving } = seen;
  // The timeline counts from the check's start; an event recorded now anchors epoch times to it.
  const anchorEpochMs = Date.now();
  ctx.event('replacement: observed', replacementText(replacement));
  const anchorAtMs = ctx.evidence.evidence.timeline.at(-1)?.atMs ?? 0;
  const atMsOf = (epochMs: number) => anchorAtMs - (anchorEpochMs - epochMs);
  const r = replacement.replacement;
  if (r) {
    ctx.evidence.event('replacement seen', r.id, atMsOf(r.firstSeenAtMs));
    if (r.inServiceAtMs !== null) ctx.evidence.event('replacement InService', r.id, atMsOf(r.inServiceAtMs));
    if (r.healthyAtMs !== null) ctx.evidence.event('replacement healthy', r.id, atMsOf(r.healthyAtMs));
  }
  if (serving.firstErrorAtMs !== null)
    ctx.evidence.event('ALB errors: first', undefined, atMsOf(serving.firstErrorAtMs));
  if (serving.lastErrorAtMs !== null)
    ctx.evidence.event('ALB errors: last', undefined, atMsOf(serving.lastErrorAtMs));
}
