// asg.self-heal.drill: take one InService instance away (terminate it through Auto Scaling without
// lowering desired capacity, or stop it through EC2), and watch the group replace it while a bounded poller
// asks the ALB for the page the whole time. Measured: the replacement time (loss → new instance InService →
// healthy in the target group) and the error window the ALB's clients saw, where an answer counts as served
// only when the app is up (judgeAppPage: 200 and no database error on the page).
//
// The file reads as the experiment: steady state, method, verify, rollback; then the method's steps. The
// verdict and the evidence are their own modules (selfHeal*.ts).

import { TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { StopInstancesCommand } from '@aws-sdk/client-ec2';
import { defaults } from '../config/defaults.ts';
import { servingGaps, startServingPoller } from '../probes/asgObservation/albServing.ts';
import { GroupObserver, pollIntervalFor } from '../probes/asgObservation/groupObserver.ts';
import {
  type AsgReadClients,
  type GroupSnapshot,
  healthyTargetIds,
  inServiceIds,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import { analyzeReplacement } from '../probes/asgObservation/replacementTimeline.ts';
import { targetGroupLabel } from '../probes/asgObservation/targetGroupName.ts';
import { awsCall } from '../probes/aws/awsCall.ts';
import type { HttpProbeOptions } from '../probes/http.ts';
import type { PagePatterns } from '../probes/page.ts';
import { pollUntil } from '../probes/poller.ts';
import { asgSteadyState } from './asgSteadyState.ts';
import { type DrillContext, defineDrill } from './experiment.ts';
import { recordSelfHealEvidence } from './selfHealEvidence.ts';
import {
  judgeSelfHeal,
  type SelfHealMode,
  type SelfHealObservation,
  selfHealParts,
} from './selfHealVerdict.ts';

export type { SelfHealMode } from './selfHealVerdict.ts';

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

export function asgSelfHealDrill(target: SelfHealDrillTarget) {
  const everyMs = target.pollEveryMs ?? pollIntervalFor(target.timeoutS);
  const servingEveryMs = target.servingEveryMs ?? defaults.selfHeal.servingEveryMs;

  return defineDrill<SelfHealObservation | null>({
    id: 'asg.self-heal.drill',
    title: 'The group replaces a lost instance while the ALB keeps serving',
    parts: ['replaced', 'kept-serving'],

    // Steady state: the group at rest with at least two healthy instances, the app up through the ALB.
    steadyState: (ctx) => asgSteadyState({ ...target, everyMs, needsSpareInstance: true }, ctx.signal),

    // Method: with the ALB and the group watched, take one instance away and wait for its replacement.
    method: async (ctx) => {
      if (ctx.dryRun) return planOnly(ctx, target);
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

      const watchMs = (target.timeoutS + defaults.selfHeal.observeMarginS) * 1000;
      const poller = startServingPoller({
        url: target.albUrl,
        http: {
          ...target.http,
          retries: 0,
          timeoutMs: Math.min(target.http.timeoutMs, defaults.selfHeal.answerTimeoutMs),
        },
        everyMs: servingEveryMs,
        maxRequests: Math.ceil(watchMs / servingEveryMs) + 10,
        maxDurationMs: watchMs,
        ...(target.patterns ? { patterns: target.patterns } : {}),
      });
      const observer = new GroupObserver({
        read: () => readGroup(target.reads, target.groupName, { cpu: false, activities: 20 }),
        everyMs,
        maxDurationMs: watchMs,
        signal: ctx.signal,
        ignoreActivityIds: new Set(before.activities.map((a) => a.ActivityId ?? '').filter(Boolean)),
        onSnapshot: (s) => {
          ctx.progress.figure('in-service', inServiceIds(s).length);
          ctx.progress.figure('healthy', healthyTargetIds(s).length);
        },
      });
      observer.start();
      let disruptedAtMs = Date.now();
      try {
        // A few answers before the loss, so the evidence shows the ALB serving normally first.
        await ctx.sleep(Math.max(1_000, 4 * servingEveryMs));
        ctx.progress.phase(target.mode === 'terminate' ? 'terminate' : 'stop');
        disruptedAtMs = Date.now();
        await takeAway(ctx, target, lost.id);
        ctx.event(
          `${target.mode === 'terminate' ? 'terminated' : 'stopped'} ${lost.id}`,
          lost.availabilityZone,
        );
        ctx.progress.phase('waiting for the replacement');
        await waitForReplacement(ctx, observer, {
          originalIds,
          attached,
          disruptedAtMs,
          // A moment more of polling once it is healthy, so the evidence shows the replacement serving.
          servingMs: Math.max(
            defaults.selfHeal.servingTailMinMs,
            defaults.selfHeal.servingTailLooks * servingEveryMs,
          ),
          limitMs: disruptedAtMs + target.timeoutS * 1000 - Date.now(),
          everyMs: Math.min(everyMs, defaults.groupPolling.waitMaxEveryMs),
        });
        ctx.signal.throwIfAborted();
      } finally {
        await poller.stop();
        await observer.stop();
      }
      await observer.pollOnce();

      const answers = poller.samples;
      const seen: SelfHealObservation = {
        groupName: target.groupName,
        targetGroups: targetGroupLabel(before.snapshot.targetGroupArns),
        attached,
        mode: target.mode,
        lost,
        disruptedAtMs,
        timeoutS: target.timeoutS,
        maxOutageS: target.maxOutageS,
        replacement: analyzeReplacement({
          lostId: lost.id,
          originalIds,
          disruptedAtMs,
          snapshots: observer.snapshots,
          activities: observer.activities,
          attached,
        }),
        serving: servingGaps(answers, disruptedAtMs),
        servedBy: [
          ...new Set(
            answers.filter((a) => a.atMs >= disruptedAtMs && a.instanceId).map((a) => a.instanceId!),
          ),
        ].slice(0, 20),
      };
      recordSelfHealEvidence(ctx, seen, answers, observer.failures);
      return seen;
    },

    // Verify: the instance was replaced (InService, healthy), and the ALB kept serving.
    verify: async (ctx, seen) => {
      if (seen === null) return { verdict: 'skip', reason: 'dry run: nothing was measured' };
      for (const part of selfHealParts(seen)) ctx.evidence.part(part.name, part.passed, part.detail);
      return judgeSelfHeal(seen);
    },

    // Rollback: runDrill runs the journalled undo (a stopped instance is started again; a terminated one
    // needs nothing, the group replaces it).
  });
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

function stepOf(mode: SelfHealMode): string {
  return mode === 'terminate' ? 'terminate-instance' : 'stop-instance';
}

/** A dry run: the one step and its undo (the instance is chosen at run time). */
async function planOnly(ctx: DrillContext, target: SelfHealDrillTarget): Promise<null> {
  await ctx.change({
    step: stepOf(target.mode),
    undo:
      target.mode === 'terminate'
        ? { type: 'none', note: `${target.groupName} launches a replacement for the terminated instance` }
        : { type: 'none', note: 'start the stopped instance again (its id is chosen at run time)' },
    apply: async () => {},
  });
  return null;
}

/** The change, journalled: terminate through Auto Scaling (desired unchanged) or stop through EC2. */
async function takeAway(ctx: DrillContext, target: SelfHealDrillTarget, instanceId: string): Promise<void> {
  if (target.mode === 'terminate') {
    await ctx.change({
      step: stepOf(target.mode),
      undo: {
        type: 'none',
        note: `${target.groupName} launches a replacement for ${instanceId} (terminated with ShouldDecrementDesiredCapacity=false)`,
      },
      apply: async () => {
        const autoScaling = ctx.clients.autoScaling;
        if (!autoScaling) throw new Error('the drill needs an Auto Scaling client');
        await awsCall(
          autoScaling,
          new TerminateInstanceInAutoScalingGroupCommand({
            InstanceId: instanceId,
            ShouldDecrementDesiredCapacity: false,
          }),
          { subject: `instance ${instanceId}` },
        );
      },
    });
  } else {
    await ctx.change({
      step: stepOf(target.mode),
      undo: { type: 'ec2.startInstances', instanceIds: [instanceId] },
      apply: async () => {
        const ec2 = ctx.clients.ec2;
        if (!ec2) throw new Error('the drill needs an EC2 client');
        await awsCall(ec2, new StopInstancesCommand({ InstanceIds: [instanceId] }), {
          subject: `instance ${instanceId}`,
        });
      },
    });
  }
}

/**
 * Waits (bounded) until the observer has seen a new instance InService (and healthy in the target group,
 * when attached) for `servingMs`, looking at the observer's latest snapshot every `everyMs`.
 */
async function waitForReplacement(
  ctx: DrillContext,
  observer: GroupObserver,
  wait: {
    originalIds: readonly string[];
    attached: boolean;
    disruptedAtMs: number;
    servingMs: number;
    limitMs: number;
    everyMs: number;
  },
): Promise<void> {
  let healthyAtMs: number | null = null;
  await pollUntil(
    async () => {
      const latest = observer.latest;
      if (!latest || latest.atMs < wait.disruptedAtMs) return false;
      const healthy = new Set(healthyTargetIds(latest));
      const fresh = inServiceIds(latest).filter(
        (id) => !wait.originalIds.includes(id) && (!wait.attached || healthy.has(id)),
      );
      if (fresh.length === 0) return false;
      healthyAtMs ??= Date.now();
      return Date.now() - healthyAtMs >= wait.servingMs;
    },
    (replaced) => replaced,
    { everyMs: wait.everyMs, maxDurationMs: Math.max(0, wait.limitMs), signal: ctx.signal },
  );
}
