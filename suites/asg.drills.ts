import { defaults } from '../config/defaults.ts';
import type { Stack } from '../config/schema.ts';
import { asgScaleOutDrill } from '../drills/asgScaleOut.ts';
import { asgSelfHealDrill, type SelfHealMode } from '../drills/asgSelfHeal.ts';
import { observeScaleIn } from '../probes/asgObservation/scaleInObservation.ts';
import { judgeScaleIn } from '../probes/asgObservation/scaleInSummary.ts';
import { type AwsClients, createAwsClients } from '../probes/aws/awsClients.ts';
import { awsCheck, needsAsgName } from './awsCheck.ts';
import { failed, passed, skipped } from './check.ts';
import { drillCheck } from './drillCheck.ts';
import { httpOptions } from './httpEvidence.ts';
import { type RunContext, runContext } from './runContext.ts';
import { suiteChecks } from './suiteChecks.ts';

// The elasticity drills. Both read the group through their own clients, created while the file is
// collected and closed when the run ends; their changes go through the drill context's clients, journalled.

/**
 * asg.scale-in.observe runs only when the stack file asks for it; then the scale-out drill leaves the
 * group as the load made it, so that the policy's own scale-in can be watched right after it.
 */
function scaleInRequested(stack: Stack): boolean {
  return stack.asg?.observeScaleIn ?? defaults.asg.observeScaleIn;
}

/** Whether asg.scale-in.observe follows the scale-out in this run: asked for, and not left out by --only. */
function scaleInObservedInThisRun(stack: Stack, { only }: RunContext): boolean {
  return scaleInRequested(stack) && (only === null || only.has('asg.scale-in.observe'));
}

function missing(stack: Stack): string | undefined {
  if (!stack.region) return 'region is not set in the stack file';
  if (!stack.asg?.name) return 'asg.name is not set in the stack file';
  if (!stack.alb?.url) return 'alb.url is not set in the stack file (the load goes through the ALB only)';
  return undefined;
}

function selfHealMode(stack: Stack): SelfHealMode {
  return stack.asg?.selfHealMode ?? defaults.asg.selfHealMode;
}

export const stateChecks = suiteChecks(() => {
  const collected = runContext();
  const reads = missing(collected.stack)
    ? undefined
    : collected.resources.shared(
        'asg-drill-reads',
        () => createAwsClients(collected.stack),
        (clients) => clients.destroy(),
      );

  function readClients(): AwsClients {
    if (!reads) throw new Error('the stack file does not describe the group, the ALB and the region');
    return reads;
  }

  drillCheck('asg.scale-out.drill', ({ stack, settings, run }) => {
    const why = missing(stack);
    if (why) return { skip: why };
    return {
      drill: asgScaleOutDrill({
        groupName: stack.asg!.name!,
        albUrl: stack.alb!.url!,
        reads: readClients(),
        timeoutS: settings.thresholds.scaleOutTimeoutS,
        load: { ...defaults.load, requestTimeoutS: defaults.loadgen.requestTimeoutS, ...stack.load },
        ...(stack.expect?.asg?.cpuTarget !== undefined
          ? { expectedCpuTarget: stack.expect.asg.cpuTarget }
          : {}),
        http: httpOptions(settings, { retries: 0 }),
        ...(stack.alb?.instancePattern ? { patterns: stack.alb.instancePattern } : {}),
        // Watching the policy's own scale-in afterwards needs the group left as the load made it; when this
        // run does not watch it (--only), the drill puts the group back, so no later drill finds it scaled out.
        restoreCapacity: !scaleInObservedInThisRun(stack, run),
      }),
    };
  });

  // Registered between the drills so that, in a chaos run, it follows the scale-out drill's load.
  awsCheck('asg.scale-in.observe', [needsAsgName], async (c) => {
    if (!scaleInRequested(c.stack)) {
      return skipped(
        'long observation: runs only with asg.observeScaleIn: true in the stack file',
        'chaos.off',
      );
    }
    // AWS needs 15–25 minutes to scale in: the observation lasts thresholds.scaleInTimeoutS, inside the
    // check's budget (which a stack file's budgets: may set lower).
    const timeoutS = Math.min(c.settings.thresholds.scaleInTimeoutS, c.budgetS - 30);
    if (timeoutS < c.settings.thresholds.scaleInTimeoutS) {
      c.evidence.note(
        `followed for at most ${timeoutS} s (the check's budget), not thresholds.scaleInTimeoutS`,
      );
    }
    const seen = await observeScaleIn(c.inventory.clients, c.stack.asg!.name!, { timeoutS });
    c.evidence.measure('observed for', Math.round(seen.elapsedS), 's');
    c.evidence.series('desired capacity', 'instances', seen.desiredSeries);
    c.evidence.series('InService', 'instances', seen.inServiceSeries);
    c.evidence.set('scaleIn', {
      min: seen.min,
      start: { ...seen.start },
      end: { ...seen.end },
      scaleInDisabled: seen.scaleInDisabled,
      terminations: seen.terminations.slice(0, 20).map((t) => ({
        instanceId: t.instanceId,
        at: t.atMs === null ? null : new Date(t.atMs).toISOString(),
        status: t.status,
        reason: t.reason,
        why: t.why,
        from: t.from,
        to: t.to,
      })),
    });
    for (const t of seen.terminations.slice(0, 20)) {
      c.evidence.event(`terminated ${t.instanceId ?? 'an instance'}`, `${t.reason}: ${t.why}`);
    }
    for (const failure of seen.failures) c.evidence.note(`a look at the group failed: ${failure}`);
    const verdict = judgeScaleIn(seen);
    if (verdict.verdict === 'pass') return passed(verdict.reason);
    if (verdict.verdict === 'skip') return skipped(verdict.reason);
    return failed(verdict.reason, verdict.fix);
  });

  drillCheck('asg.self-heal.drill', ({ stack, settings }) => {
    const why = missing(stack);
    if (why) return { skip: why };
    return {
      drill: asgSelfHealDrill({
        groupName: stack.asg!.name!,
        albUrl: stack.alb!.url!,
        reads: readClients(),
        timeoutS: settings.thresholds.selfHealTimeoutS,
        http: httpOptions(settings, { retries: 0 }),
        ...(stack.alb?.instancePattern ? { patterns: stack.alb.instancePattern } : {}),
        mode: selfHealMode(stack),
        maxOutageS: defaults.selfHeal.maxOutageS,
      }),
    };
  });
});
