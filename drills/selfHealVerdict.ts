// How asg.self-heal.drill judges what it observed: the lost instance replaced (InService, then healthy in
// the target group) within the time limit, and the ALB serving throughout with no outage longer than the
// limit; the verdict (with a fix) and the check's two parts.

import type { ServingGaps } from '../probes/asgObservation/albServing.ts';
import type { ReplacementTimeline } from '../probes/asgObservation/replacementTimeline.ts';
import type { CheckPart } from '../reports/evidence.ts';
import type { DrillOutcome } from './experiment.ts';

export type SelfHealMode = 'terminate' | 'stop';

export interface SelfHealObservation {
  groupName: string;
  targetGroups: string;
  attached: boolean;
  mode: SelfHealMode;
  lost: { id: string; availabilityZone: string };
  disruptedAtMs: number;
  timeoutS: number;
  maxOutageS: number;
  replacement: ReplacementTimeline;
  serving: ServingGaps;
  /** Instances seen serving through the ALB after the loss. */
  servedBy: string[];
}

/** Milliseconds as seconds to one decimal, as the reasons and the evidence write them. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function judgeSelfHeal(seen: SelfHealObservation): DrillOutcome {
  const { lost, replacement: timeline, serving } = seen;
  const verb = seen.mode === 'terminate' ? 'terminated' : 'stopped';
  const replacement = timeline.replacement;
  const servingText = `the ALB served ${serving.served} of ${serving.requests} requests (error window ${seconds(serving.errorWindowMs)} s, longest outage ${seconds(serving.longestOutageMs)} s)`;
  if (!replacement || replacement.inServiceAtMs === null) {
    return {
      verdict: 'fail',
      reason: `${seen.groupName} did not replace ${lost.id} within ${seen.timeoutS} s after it was ${verb}${replacement ? ` (${replacement.id} never became InService)` : ''}`,
      fix:
        seen.mode === 'stop'
          ? 'turn on health checks for the group (EC2 and ELB) so that a stopped instance is replaced'
          : "look at the group's Activity history: the launch template must be able to start an instance",
    };
  }
  if (replacement.healthyAtMs === null) {
    return {
      verdict: 'fail',
      reason: `the replacement ${replacement.id} became InService but never healthy in ${seen.targetGroups} within ${seen.timeoutS} s`,
      fix: 'check the launch template (AMI with the LAMP page, user data, security group allowing HTTP from the ALB)',
    };
  }
  if (serving.longestOutageMs > seen.maxOutageS * 1000) {
    return {
      verdict: 'fail',
      reason: `the ALB stopped serving for ${seconds(serving.longestOutageMs)} s while ${lost.id} was replaced (${serving.errors} of ${serving.requests} requests failed)`,
      fix: 'keep at least two healthy instances in two AZs behind the ALB, with ELB health checks on the group',
    };
  }
  return {
    verdict: 'pass',
    reason: `${verb} ${lost.id}; replacement ${replacement.id} InService after ${seconds(replacement.inServiceAtMs - seen.disruptedAtMs)} s, healthy in ${seen.targetGroups} after ${seconds(replacement.healthyAtMs - seen.disruptedAtMs)} s; ${servingText}`,
  };
}

/** The drill's parts: the lost instance was replaced (InService and healthy), and the ALB kept serving. */
export function selfHealParts(seen: SelfHealObservation): CheckPart[] {
  const r = seen.replacement.replacement;
  const replaced = r !== null && r.inServiceAtMs !== null && r.healthyAtMs !== null;
  const keptServing = seen.serving.longestOutageMs <= seen.maxOutageS * 1000;
  return [
    {
      name: 'replaced',
      passed: replaced,
      detail: replaced
        ? `${r.id} healthy in ${seen.targetGroups} ${seconds(r.healthyAtMs! - seen.disruptedAtMs)} s after ${seen.lost.id} was lost`
        : !r
          ? `no replacement for ${seen.lost.id} within ${seen.timeoutS} s`
          : r.inServiceAtMs === null
            ? `the replacement ${r.id} never became InService within ${seen.timeoutS} s`
            : `the replacement ${r.id} never became healthy in ${seen.targetGroups} within ${seen.timeoutS} s`,
    },
    {
      name: 'kept-serving',
      passed: keptServing,
      detail: `longest outage through the ALB ${seconds(seen.serving.longestOutageMs)} s (limit ${seen.maxOutageS} s); ${seen.serving.errors} of ${seen.serving.requests} requests failed`,
    },
  ];
}
