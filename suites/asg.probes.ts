import { observeScaleIn } from '../probes/asgObservation/scaleInObservation.ts';
import { judgeScaleIn } from '../probes/asgObservation/scaleInSummary.ts';
import { describePolicies } from '../probes/aws/autoScaling.ts';
import { awsCheck, needsAsgName, needsVpc, outcomeOf } from './awsCheck.ts';
import { failed, passed, skipped } from './check.ts';
import { checkAsgConfig } from './rules/asgConfig.ts';

awsCheck('asg.config', [needsAsgName, needsVpc], async (c) => {
  const lab = c.inventory;
  const group = await lab.autoScalingGroup();
  const [policies, subnets, routeTables] = await Promise.all([
    describePolicies(lab.clients.autoScaling, group.AutoScalingGroupName!),
    lab.subnets(),
    lab.routeTables(),
  ]);
  return outcomeOf(checkAsgConfig({ group, policies, subnets, routeTables }), c);
});

/**
 * A check may run at most as long as the suites' test timeout (600 s); the observation stops a little
 * before it and says so. AWS usually needs 15+ minutes to scale in, so on AWS set the time limit with care.
 */
const scaleInBudgetS = 570;

awsCheck('asg.scale-in.observe', [needsAsgName], async (c) => {
  if (process.env.LABDRILL_SCALE_IN !== '1') {
    return skipped(
      'long observation: runs only with LABDRILL_SCALE_IN=1 (after the scale-out drill, or on its own)',
    );
  }
  const timeoutS = Math.min(c.settings.thresholds.scaleInTimeoutS, scaleInBudgetS);
  if (timeoutS < c.settings.thresholds.scaleInTimeoutS) {
    c.evidence.note(
      `followed for at most ${timeoutS} s (the check's time budget), not thresholds.scaleInTimeoutS`,
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
