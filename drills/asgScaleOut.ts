// asg.scale-out.drill: the lab's `ab -n 200000 -c 1000 http://ALB/`, measured. Load goes through the ALB
// only, in ramp steps until the group's average CPU passes the target-tracking policy's target, then holds
// until desired capacity rises and the new instances are InService and healthy in the target group (or
// the time limit). Meanwhile the group, its targets, CPU and activities are polled into a timeline:
// load start → alarm → desired raised → instance launched → InService → healthy → serving traffic.
//
// The drill changes capacity only through the load. Before the load starts it still journals an
// 'asg.updateCapacity' undo with the original min/desired/max: the rollback (and `labdrill restore` after a
// kill) sets them back, and since desired drops back to the original the group terminates the extra
// instances at once (a user-request scale-in chosen by the termination policy) instead of waiting for the
// AlarmLow alarm. With restoreCapacity false (to watch the policy's own scale-in with asg.scale-in.observe)
// the journal holds a 'none' undo instead: the load ends with the drill, and the policy scales in by itself.
//
// The file reads as the experiment: steady state, method, verify, rollback; then the method's steps. The
// ramp, the observation, the verdict and the evidence are their own modules (scaleOut*.ts).

import { defaults } from '../config/defaults.ts';
import { waitForAlarmsToClear } from '../probes/asgObservation/alarmWait.ts';
import { GroupObserver, pollIntervalFor } from '../probes/asgObservation/groupObserver.ts';
import {
  type AsgReadClients,
  type CpuQuery,
  inServiceIds,
  readGroup,
} from '../probes/asgObservation/groupState.ts';
import { analyzeScaleOut, type ServedSecond } from '../probes/asgObservation/scaleOutTimeline.ts';
import type { HttpProbeOptions } from '../probes/http.ts';
import type { PagePatterns } from '../probes/page.ts';
import { asgSteadyState } from './asgSteadyState.ts';
import { scaleOutCoolDownS } from './drillPhases.ts';
import { type DrillContext, defineDrill } from './experiment.ts';
import { figuresOf, recordScaleOutEvidence, type SeriesRow } from './scaleOutEvidence.ts';
import { observeBeforeLoad, readyNewInstances, type ScaleOutObservation } from './scaleOutObservation.ts';
import { rampLevels, runRamp, type ScaleOutLoadCaps } from './scaleOutRamp.ts';
import { judgeScaleOut, round1, scaleOutParts } from './scaleOutVerdict.ts';
import type { UndoAction } from './undoActions.ts';

export interface ScaleOutDrillTarget {
  groupName: string;
  /** The app through the ALB; the load's only allowed host is this URL's host. */
  albUrl: string;
  reads: AsgReadClients;
  /** thresholds.scaleOutTimeoutS: the load's duration cap and the wait for the new instances. */
  timeoutS: number;
  load: ScaleOutLoadCaps;
  http: HttpProbeOptions;
  patterns?: PagePatterns;
  /** Journal an asg.updateCapacity undo (true) or a 'none' undo that lets the policy scale in (false). */
  restoreCapacity: boolean;
  cpu?: CpuQuery;
  /** The lab's CPU target (stack file expect.asg.cpuTarget), named when the group has no policy to read it from. */
  expectedCpuTarget?: number;
  /** Between looks at the group; scaled to timeoutS unless set. */
  pollEveryMs?: number;
}

export function asgScaleOutDrill(target: ScaleOutDrillTarget) {
  const everyMs = target.pollEveryMs ?? pollIntervalFor(target.timeoutS);

  return defineDrill<ScaleOutObservation | null>({
    id: 'asg.scale-out.drill',
    title: 'Load through the ALB scales the group out',
    parts: ['alarm-fired', 'desired-rose', 'new-instances-healthy'],

    // Steady state: the group at rest at its minimum, every instance healthy, the app up through the ALB.
    steadyState: (ctx) => asgSteadyState({ ...target, everyMs, needsSpareInstance: false }, ctx.signal),
    ...(target.restoreCapacity
      ? {}
      : {
          steadyStateAfter: async () =>
            `${target.groupName} is left scaled out on purpose: asg.scale-in.observe watches its policy scale it back in`,
        }),

    // Method: journal the undo, load the ALB until the group has scaled out, then let its alarm cool down.
    method: async (ctx) => {
      if (ctx.dryRun) return planOnly(ctx, target);
      const { seen, historyIds } = await observeBeforeLoad(target.reads, target.groupName, {
        timeoutS: target.timeoutS,
        ...(target.expectedCpuTarget !== undefined ? { expectedCpuTarget: target.expectedCpuTarget } : {}),
      });
      const { original, policy } = seen;
      ctx.evidence.set('groupBefore', {
        min: original.min,
        desired: original.desired,
        max: original.max,
        instances: [...original.instanceIds],
        targetGroups: seen.targetGroups,
        policy: policy ? { ...policy } : null,
      });
      if (seen.blocked) {
        ctx.event('no load sent', `min ${original.min} / desired ${original.desired} / max ${original.max}`);
        return seen;
      }
      // The change is the load itself, made below; the journal entry exists so that a killed drill's
      // raised capacity can be put back.
      await ctx.change({ step: 'load-through-alb', undo: undoOf(target, seen), apply: async () => {} });
      await loadUntilScaledOut(ctx, target, seen, historyIds, everyMs);
      await coolDown(ctx, target, seen, everyMs);
      return seen;
    },

    // Verify: the AlarmHigh alarm fired, desired capacity rose, the new instances became healthy.
    verify: async (ctx, seen) => {
      if (seen === null) return { verdict: 'skip', reason: 'dry run: nothing was measured' };
      for (const part of scaleOutParts(seen)) ctx.evidence.part(part.name, part.passed, part.detail);
      return judgeScaleOut(seen);
    },

    // Rollback: runDrill runs the journalled undo whatever happened (undoOf says which).
  });
}

/** A dry run: the one step and what its undo will do with the sizes read at run time. */
async function planOnly(ctx: DrillContext, target: ScaleOutDrillTarget): Promise<null> {
  await ctx.change({
    step: 'load-through-alb',
    // The sizes are read at run time; the plan can only say what the undo will do with them.
    undo: target.restoreCapacity
      ? { type: 'none', note: `set ${target.groupName} back to the min/desired/max read before the load` }
      : { type: 'none', note: `the target tracking policy scales ${target.groupName} back in by itself` },
    apply: async () => {},
  });
  ctx.event(
    'plan',
    `ramp ${rampLevels(target.load.connections).join(' → ')} connections through ${new URL(target.albUrl).host} for at most ${target.timeoutS} s and ${target.load.maxRequests} requests; the undo uses the sizes read at run time`,
  );
  return null;
}

/** The rollback: the sizes read before the load, or (restoreCapacity false) nothing, for the policy to scale in. */
function undoOf(target: ScaleOutDrillTarget, seen: ScaleOutObservation): UndoAction {
  return target.restoreCapacity
    ? {
        type: 'asg.updateCapacity',
        groupName: target.groupName,
        minSize: seen.original.min,
        maxSize: seen.original.max,
        desiredCapacity: seen.original.desired,
      }
    : {
        type: 'none',
        note: `the load ends with the drill; ${target.groupName}'s target tracking policy scales it back in by itself`,
      };
}

/**
 * The load through the ALB while an observer follows the group, until the new instances are ready and seen
 * serving (or, without an enabled policy, a while after CPU passed the target); then the timeline and the
 * evidence, however the load ended.
 */
async function loadUntilScaledOut(
  ctx: DrillContext,
  target: ScaleOutDrillTarget,
  seen: ScaleOutObservation,
  historyIds: ReadonlySet<string>,
  everyMs: number,
): Promise<void> {
  const { original, attached } = seen;
  const originalIds = new Set(original.instanceIds);
  const observer = new GroupObserver({
    read: () =>
      readGroup(target.reads, target.groupName, { cpu: target.cpu ?? defaults.cpuMetric, activities: 20 }),
    everyMs,
    maxDurationMs: (target.timeoutS + defaults.scaleOut.observeMarginS) * 1000,
    signal: ctx.signal,
    ignoreActivityIds: historyIds,
    onSnapshot: (s) => {
      ctx.progress.figure('cpu', s.cpu ? `${round1(s.cpu.percent)}%` : '?');
      ctx.progress.figure('desired', s.desired);
      ctx.progress.figure('in-service', inServiceIds(s).length);
      if (s.cpu && s.cpu.percent > seen.cpuTarget) seen.cpuReached = true;
    },
  });

  const served: ServedSecond[] = [];
  const rows: SeriesRow[] = [];
  const seenServing = new Set<string>();
  let scaledOutAtMs: number | null = null;
  let cpuReachedAtMs: number | null = null;
  const servingGraceMs = Math.max(5_000, 2 * everyMs);
  const noPolicyHoldMs = Math.max(3 * everyMs, Math.min(180, target.timeoutS / 6) * 1000);

  /** Whether the load has done its job: the new instances ready (and seen serving, briefly waited for). */
  const done = (): boolean => {
    const latest = observer.latest;
    if (seen.cpuReached && cpuReachedAtMs === null) cpuReachedAtMs = Date.now();
    if (!seen.policy?.enabled) {
      return cpuReachedAtMs !== null && Date.now() - cpuReachedAtMs >= noPolicyHoldMs;
    }
    if (!latest) return false;
    const wanted = Math.min(latest.desired, original.max) - original.desired;
    if (wanted <= 0) return false;
    const ready = readyNewInstances(latest, originalIds, attached);
    if (ready.length < wanted) return false;
    scaledOutAtMs ??= Date.now();
    const allServing = !attached || ready.every((id) => seenServing.has(id));
    return allServing || Date.now() - scaledOutAtMs >= servingGraceMs;
  };

  ctx.progress.phase('load');
  const loadStartMs = Date.now();
  ctx.event(
    'load: start',
    `through ${new URL(target.albUrl).host}, ramp ${rampLevels(target.load.connections).join(' → ')} connections, at most ${target.timeoutS} s`,
  );
  const loadStartAtMs = ctx.evidence.evidence.timeline.at(-1)?.atMs ?? 0;
  observer.start();
  try {
    await runRamp(
      {
        url: target.albUrl,
        caps: target.load,
        timeoutS: target.timeoutS,
        ...(target.patterns ? { patterns: target.patterns } : {}),
        signal: ctx.signal,
        done,
        cpuReached: () => seen.cpuReached,
        onStep: (connections) => ctx.progress.figure('connections', connections),
        onSecond: (s, atMs) => {
          served.push({ atMs, targets: s.targets });
          for (const [id, count] of Object.entries(s.targets)) if (count > 0) seenServing.add(id);
          if (rows.length < defaults.scaleOut.maxSeriesRows)
            rows.push({
              atMs,
              rps: s.rps,
              p50: s.latencyP50Ms,
              p99: s.latencyP99Ms,
              errors: s.errors + s.non2xx,
              ...figuresOf(observer.latest),
            });
          ctx.progress.figure('rps', Math.round(s.rps));
          ctx.progress.figure('p50', `${round1(s.latencyP50Ms)}ms`);
          ctx.progress.figure('p99', `${round1(s.latencyP99Ms)}ms`);
          ctx.progress.figure('errors', s.errors + s.non2xx);
        },
        onWarning: (warning) => ctx.evidence.note(`load: ${warning}`),
      },
      seen.load,
    );
  } finally {
    const loadEndMs = Date.now();
    ctx.event(
      'load: stopped',
      `${seen.load.requests} requests, ${seen.load.errors} errors, stopped by ${seen.load.stoppedBy}`,
    );
    await observer.stop();
    if (!ctx.signal.aborted) await observer.pollOnce();
    seen.observerFailures = observer.failures;
    seen.timeline = analyzeScaleOut({
      loadStartMs,
      loadEndMs,
      original,
      snapshots: observer.snapshots,
      activities: observer.activities,
      served,
    });
    recordScaleOutEvidence(ctx, seen, rows, loadStartMs, loadStartAtMs);
  }
}

/**
 * The capacity put back must stick: when the rollback will put it back and the load raised it, wait
 * (bounded) for the policy's AlarmHigh to see the load gone first.
 */
async function coolDown(
  ctx: DrillContext,
  target: ScaleOutDrillTarget,
  seen: ScaleOutObservation,
  everyMs: number,
): Promise<void> {
  const { policy } = seen;
  const scaledOut = (seen.timeline?.peakDesired ?? seen.original.desired) > seen.original.desired;
  if (!target.restoreCapacity || !scaledOut || !policy || policy.alarmHigh.length === 0 || ctx.signal.aborted)
    return;
  ctx.progress.phase('cool down');
  const limitS = scaleOutCoolDownS(target.timeoutS);
  const clearedS = await waitForAlarmsToClear(target.reads.cloudWatch, policy.alarmHigh, {
    limitS,
    everyMs,
    signal: ctx.signal,
  });
  if (clearedS === null) {
    ctx.evidence.note(
      `${policy.alarmHigh.join(', ')} was still in ALARM ${limitS} s after the load: the policy may raise desired capacity again after the rollback`,
    );
  } else {
    ctx.event('cool down', `AlarmHigh out of ALARM ${round1(clearedS)} s after the load stopped`);
  }
}
