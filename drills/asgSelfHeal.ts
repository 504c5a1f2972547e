// asg.self-heal.drill: take one InService instance away (terminate it through Auto Scaling without
// lowering desired capacity, or stop it through EC2), and watch the group replace it while a bounded poller
// asks the ALB for the page the whole time. Measured: the replacement time (loss → new instance InService →
// healthy in the target group) and the error window the ALB's clients saw.

import { TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import {
  type ServingAnswer,
  type ServingGaps,
  ServingPoller,
  servingGaps,
} from '../probes/asgObservation/albServing.ts';
import { GroupObserver, pollIntervalFor, settleGroup } from '../probes/asgObservation/groupObserver.ts';
import {
  type AsgReadClients,
  type GroupSnapshot,
  healthyTargetIds,
  inServiceIds,
  notAtRest,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import {
  analyzeReplacement,
  type ReplacementTimeline,
} from '../probes/asgObservation/replacementTimeline.ts';
import { targetGroupLabel } from '../probes/asgObservation/targetGroupName.ts';
import { awsCall } from '../probes/aws/awsCall.ts';
import { type HttpProbeOptions, httpGet } from '../probes/http.ts';
import type { PagePatterns } from '../probes/page.ts';
import type { CheckPart, EvidenceRecorder } from '../reports/evidence.ts';
import { groupSettleS } from './drillPhases.ts';
import { type DrillOutcome, defineDrill } from './experiment.ts';

export type SelfHealMode = 'terminate' | 'stop';

export interface SelfHealDrillTarget {
  groupName: string;
  albUrl: string;
  reads: AsgReadClients;
  /** How long the group gets to replace the instance (thresholds.selfHealTimeoutS). */
  timeoutS: number;
  http: HttpProbeOptions;
  patterns?: PagePatterns;
  mode: SelfHealMode;
  /** Longest stretch without a served answer through the ALB that still counts as "kept serving". */
  maxOutageS: number;
  /** Between requests of the ALB poller. */
  servingEveryMs?: number;
  /** Between looks at the group; scaled to timeoutS unless set. */
  pollEveryMs?: number;
}

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

/**
 * The instance to take away: InService, Healthy to Auto Scaling and healthy in the target group (when
 * attached); from the AZ with the most such instances, so that every AZ keeps one; lowest id on a tie.
 */
export function chooseInstanceToDisrupt(
  snapshot: GroupSnapshot,
): { id: string; availabilityZone: string } | null {
  const healthy = new Set(healthyTargetIds(snapshot));
  const attached = snapshot.targetGroupArns.length > 0;
  const candidates = snapshot.instances.filter(
    (i) => i.lifecycle === 'InService' && i.health === 'Healthy' && (!attached || healthy.has(i.id)),
  );
  if (candidates.length === 0) return null;
  const perZone = new Map<string, number>();
  for (const c of candidates) perZone.set(c.availabilityZone, (perZone.get(c.availabilityZone) ?? 0) + 1);
  const [chosen] = [...candidates].sort(
    (a, b) =>
      (perZone.get(b.availabilityZone) ?? 0) - (perZone.get(a.availabilityZone) ?? 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return chosen ? { id: chosen.id, availabilityZone: chosen.availabilityZone } : null;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function replacementText(timeline: ReplacementTimeline): string {
  const r = timeline.replacement;
  return r ? `${r.id} in ${r.availabilityZone}` : 'no replacement seen';
}

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

function steadyStateProblem(snapshot: GroupSnapshot, groupName: string): string | undefined {
  // A group an earlier drill left scaled out would replace nothing: it would scale in instead.
  const scaledOut = notAtRest(snapshot, groupName);
  if (scaledOut) return scaledOut;
  const inService = inServiceIds(snapshot);
  if (inService.length !== snapshot.desired) {
    return `${groupName} has ${inService.length} of ${snapshot.desired} desired instances InService`;
  }
  if (inService.length < 2) {
    return `${groupName} has ${inService.length} instance(s): taking one away would take the app down`;
  }
  if (snapshot.targetGroupArns.length > 0) {
    const healthy = new Set(healthyTargetIds(snapshot));
    const sick = inService.filter((id) => !healthy.has(id));
    if (sick.length > 0) {
      return `not every instance is healthy in ${targetGroupLabel(snapshot.targetGroupArns)}: ${sick.join(', ')}`;
    }
  }
  return undefined;
}

export function asgSelfHealDrill(target: SelfHealDrillTarget) {
  const everyMs = target.pollEveryMs ?? pollIntervalFor(target.timeoutS);
  const servingEveryMs = target.servingEveryMs ?? 250;
  const step = target.mode === 'terminate' ? 'terminate-instance' : 'stop-instance';

  return defineDrill<SelfHealObservation | null>({
    id: 'asg.self-heal.drill',
    title: 'The group replaces a lost instance while the ALB keeps serving',
    parts: ['replaced', 'kept-serving'],
    steadyState: async (ctx) => {
      // A group deployed moments ago may still have targets in 'initial': give it a bounded moment.
      const problem = await settleGroup(
        async () => (await readGroup(target.reads, target.groupName, { cpu: false, activities: 0 })).snapshot,
        (snapshot) => steadyStateProblem(snapshot, target.groupName),
        {
          budgetMs: groupSettleS(target.timeoutS) * 1000,
          everyMs: Math.min(everyMs, 1_000),
          signal: ctx.signal,
        },
      );
      if (problem) return problem;
      const page = await httpGet(target.albUrl, target.http);
      if (page.status !== 200) return `the ALB answers ${page.status} before the drill, not 200`;
    },
    method: async (ctx) => {
      if (ctx.dryRun) {
        await ctx.change({
          step,
          undo:
            target.mode === 'terminate'
              ? {
                  type: 'none',
                  note: `${target.groupName} launches a replacement for the terminated instance`,
                }
              : { type: 'none', note: 'start the stopped instance again (its id is chosen at run time)' },
          apply: async () => {},
        });
        return null;
      }
      const before = await readGroup(target.reads, target.groupName, { cpu: false, activities: 30 });
      const lost = chooseInstanceToDisrupt(before.snapshot);
      if (!lost) throw new Error(`${target.groupName} has no InService, healthy instance to take away`);
      const originalIds = before.snapshot.instances.map((i) => i.id);
      const attached = before.snapshot.targetGroupArns.length > 0;
      ctx.evidence.set('groupBefore', {
        desired: before.snapshot.desired,
        instances: before.snapshot.instances.map((i) => ({ ...i })),
        chosen: { ...lost },
      });

      const poller = new ServingPoller({
        url: target.albUrl,
        http: { ...target.http, retries: 0, timeoutMs: Math.min(target.http.timeoutMs, 3_000) },
        everyMs: servingEveryMs,
        maxRequests: Math.ceil(((target.timeoutS + 60) * 1000) / servingEveryMs) + 10,
        maxDurationMs: (target.timeoutS + 60) * 1000,
        ...(target.patterns ? { patterns: target.patterns } : {}),
      });
      const observer = new GroupObserver({
        read: () => readGroup(target.reads, target.groupName, { cpu: false, activities: 20 }),
        everyMs,
        maxDurationMs: (target.timeoutS + 60) * 1000,
        ignoreActivityIds: new Set(before.activities.map((a) => a.ActivityId ?? '').filter(Boolean)),
        onSnapshot: (s) => {
          ctx.progress.figure('in-service', inServiceIds(s).length);
          ctx.progress.figure('healthy', healthyTargetIds(s).length);
        },
      });
      poller.start();
      observer.start();
      let disruptedAtMs = Date.now();
      try {
        // A few answers before the loss, so the evidence shows the ALB serving normally first.
        await ctx.sleep(Math.max(1_000, 4 * servingEveryMs));
        ctx.progress.phase(target.mode === 'terminate' ? 'terminate' : 'stop');
        disruptedAtMs = Date.now();
        if (target.mode === 'terminate') {
          await ctx.change({
            step,
            undo: {
              type: 'none',
              note: `${target.groupName} launches a replacement for ${lost.id} (terminated with ShouldDecrementDesiredCapacity=false)`,
            },
            apply: async () => {
              const autoScaling = ctx.clients.autoScaling;
              if (!autoScaling) throw new Error('the drill needs an Auto Scaling client');
              await awsCall(
                autoScaling,
                new TerminateInstanceInAutoScalingGroupCommand({
                  InstanceId: lost.id,
                  ShouldDecrementDesiredCapacity: false,
                }),
                { subject: `instance ${lost.id}` },
              );
            },
          });
        } else {
          await ctx.change({
            step,
            undo: { type: 'ec2.startInstances', instanceIds: [lost.id] },
            apply: async () => {
              const ec2 = ctx.clients.ec2;
              if (!ec2) throw new Error('the drill needs an EC2 client');
              await awsCall(ec2, new StopInstancesCommand({ InstanceIds: [lost.id] }), {
                subject: `instance ${lost.id}`,
              });
            },
          });
        }
        ctx.event(
          `${target.mode === 'terminate' ? 'terminated' : 'stopped'} ${lost.id}`,
          lost.availabilityZone,
        );
        ctx.progress.phase('waiting for the replacement');
        const deadline = disruptedAtMs + target.timeoutS * 1000;
        let healthyAtMs: number | null = null;
        while (Date.now() < deadline) {
          await ctx.sleep(Math.min(everyMs, 1_000));
          const latest = observer.latest;
          if (!latest || latest.atMs < disruptedAtMs) continue;
          const healthy = new Set(healthyTargetIds(latest));
          const fresh = inServiceIds(latest).filter(
            (id) => !originalIds.includes(id) && (!attached || healthy.has(id)),
          );
          if (fresh.length > 0) {
            healthyAtMs ??= Date.now();
            // A moment more of polling, so the evidence shows the replacement serving.
            if (Date.now() - healthyAtMs >= Math.max(2_000, 8 * servingEveryMs)) break;
          }
        }
      } finally {
        await poller.stop();
        await observer.stop();
      }
      await observer.pollOnce();
      const replacement = analyzeReplacement({
        lostId: lost.id,
        originalIds,
        disruptedAtMs,
        snapshots: observer.snapshots,
        activities: observer.activities,
        attached,
      });
      const serving = servingGaps(poller.answers, disruptedAtMs);
      const servedBy = [
        ...new Set(
          poller.answers.filter((a) => a.atMs >= disruptedAtMs && a.instanceId).map((a) => a.instanceId!),
        ),
      ].slice(0, 20);
      const seen: SelfHealObservation = {
        groupName: target.groupName,
        targetGroups: targetGroupLabel(before.snapshot.targetGroupArns),
        attached,
        mode: target.mode,
        lost,
        disruptedAtMs,
        timeoutS: target.timeoutS,
        maxOutageS: target.maxOutageS,
        replacement,
        serving,
        servedBy,
      };
      recordEvidence(ctx.evidence, seen, poller.answers, observer.failures);
      // The timeline counts from the check's start; an event recorded now anchors epoch times to it.
      const anchorEpochMs = Date.now();
      ctx.event('replacement: observed', replacementText(replacement));
      const anchorAtMs = ctx.evidence.evidence.timeline.at(-1)?.atMs ?? 0;
      const atMsOf = (epochMs: number) => anchorAtMs - (anchorEpochMs - epochMs);
      const r = replacement.replacement;
      if (r) {
        ctx.evidence.event('replacement seen', r.id, atMsOf(r.firstSeenAtMs));
        if (r.inServiceAtMs !== null)
          ctx.evidence.event('replacement InService', r.id, atMsOf(r.inServiceAtMs));
        if (r.healthyAtMs !== null) ctx.evidence.event('replacement healthy', r.id, atMsOf(r.healthyAtMs));
      }
      if (serving.firstErrorAtMs !== null)
        ctx.evidence.event('ALB errors: first', undefined, atMsOf(serving.firstErrorAtMs));
      if (serving.lastErrorAtMs !== null)
        ctx.evidence.event('ALB errors: last', undefined, atMsOf(serving.lastErrorAtMs));
      return seen;
    },
    verify: async (ctx, seen) => {
      if (seen === null) return { verdict: 'skip', reason: 'dry run: nothing was measured' };
      for (const part of selfHealParts(seen)) ctx.evidence.part(part.name, part.passed, part.detail);
      return judgeSelfHeal(seen);
    },
  });
}

function recordEvidence(
  evidence: EvidenceRecorder,
  seen: SelfHealObservation,
  answers: readonly ServingAnswer[],
  failures: readonly string[],
): void {
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
  evidence.set('selfHeal', {
    mode: seen.mode,
    lost: { ...seen.lost },
    lostCause: seen.replacement.lostCause,
    replacement: r ? { id: r.id, availabilityZone: r.availabilityZone } : null,
    launchCause: seen.replacement.launchCause,
    servedBy: [...seen.servedBy],
  });
  for (const failure of failures) evidence.note(`a look at the group failed: ${failure}`);
}
