// The Auto Scaling drills' steady state, one for both: the group at rest (at its minimum, every desired
// instance InService and healthy in its target group) and the app up through the ALB (judgeAppPage). A group
// deployed moments ago may still have targets in 'initial', and one an earlier drill rolled back may still be
// scaling in: the group gets a bounded moment (groupSettleS) to settle before its last problem is the answer.

import { defaults } from '../config/defaults.ts';
import {
  type AsgReadClients,
  type GroupSnapshot,
  healthyTargetIds,
  inServiceIds,
  notAtRest,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import { targetGroupLabel } from '../probes/asgObservation/targetGroupName.ts';
import { type HttpProbeOptions, httpGet } from '../probes/http.ts';
import { judgeAppPage } from '../probes/page.ts';
import { pollUntil } from '../probes/poller.ts';
import { groupSettleS } from './drillPhases.ts';

export interface AsgSteadyStateLook {
  groupName: string;
  albUrl: string;
  reads: AsgReadClients;
  http: HttpProbeOptions;
  /** The drill's own timeout, which the settling moment is derived from. */
  timeoutS: number;
  /** Between looks at the group while it settles (at most 1 s apart). */
  everyMs: number;
  /** The drill takes an instance away: the group needs two InService so the app stays up. */
  needsSpareInstance: boolean;
}

/** Why the group is not ready for a drill, or undefined. */
export function groupSteadyStateProblem(
  snapshot: GroupSnapshot,
  groupName: string,
  needsSpareInstance: boolean,
): string | undefined {
  // A group still scaled out could neither show a scale-out (nor scale out at its maximum) nor replace an
  // instance: it would scale in instead.
  const scaledOut = notAtRest(snapshot, groupName);
  if (scaledOut) return scaledOut;
  const inService = inServiceIds(snapshot);
  if (inService.length !== snapshot.desired) {
    return `${groupName} has ${inService.length} of ${snapshot.desired} desired instances InService`;
  }
  if (needsSpareInstance && inService.length < 2) {
    return `${groupName} has ${inService.length} instance(s): taking one away would take the app down`;
  }
  if (snapshot.targetGroupArns.length === 0) return undefined; // the drills say so in their verdicts
  const healthy = new Set(healthyTargetIds(snapshot));
  const sick = inService.filter((id) => !healthy.has(id));
  if (sick.length > 0) {
    const states = sick
      .map((id) => `${id} ${snapshot.targets.find((t) => t.id === id)?.state ?? 'not registered'}`)
      .join(', ');
    return `not every instance is healthy in ${targetGroupLabel(snapshot.targetGroupArns)}: ${states}`;
  }
  return undefined;
}

/** The steady state: undefined when met, else why not. An abort ends the wait with the last problem seen. */
export async function asgSteadyState(
  look: AsgSteadyStateLook,
  signal: AbortSignal,
): Promise<string | undefined> {
  const settled = await pollUntil(
    async () =>
      groupSteadyStateProblem(
        (await readGroup(look.reads, look.groupName, { cpu: false, activities: 0 })).snapshot,
        look.groupName,
        look.needsSpareInstance,
      ),
    (problem) => problem === undefined,
    {
      everyMs: Math.min(look.everyMs, defaults.groupPolling.waitMaxEveryMs),
      maxDurationMs: groupSettleS(look.timeoutS) * 1000,
      signal,
    },
  );
  if (!settled.met) return settled.last ?? `${look.groupName} was not looked at: the check was cancelled`;
  const page = await httpGet(look.albUrl, look.http);
  const app = judgeAppPage(page.status, page.body);
  if (app.healthy) return undefined;
  return page.status === 200
    ? `the app through the ALB is not up before the drill: ${app.problem}`
    : `the ALB answers ${page.status} before the drill, not 200`;
}
