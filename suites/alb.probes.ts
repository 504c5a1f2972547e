import { defaults } from '../config/defaults.ts';
import { AwsProbeError } from '../probes/aws/awsCall.ts';
import type { LabInventory } from '../probes/aws/labInventory.ts';
import { sampleServingTargets } from '../probes/servingTargets.ts';
import {
  acceptsAtLook,
  defaultSamplingPlan,
  type EvenSharesResult,
  type SamplingPlan,
  testEvenShares,
} from '../probes/stats/evenShares.ts';
import type { EvidenceRecorder } from '../reports/evidence.ts';
import { awsCheck, inventoryIfConfigured, needsAlbName, needsVpc, outcomeOf } from './awsCheck.ts';
import { check, failed, passed, skipped } from './check.ts';
import { httpOptions } from './httpEvidence.ts';
import { checkAlbPlacement } from './rules/albPlacement.ts';
import { checkAlbTargets } from './rules/albTargets.ts';
import { judgeUnanswered } from './rules/unansweredRequests.ts';
import { suiteChecks } from './suiteChecks.ts';

/** Healthy instance targets as the load balancer reports them, or null when AWS cannot say. */
async function healthyTargetIds(
  lab: LabInventory | undefined,
  evidence: EvidenceRecorder,
): Promise<string[] | null> {
  if (!lab) return null;
  try {
    const health = await lab.targetHealth();
    evidence.set(
      'targetHealth',
      health.map((t) => ({
        id: t.Target?.Id ?? '',
        state: t.TargetHealth?.State ?? '',
        reason: t.TargetHealth?.Reason ?? null,
      })),
    );
    return health.filter((t) => t.TargetHealth?.State === 'healthy').map((t) => t.Target!.Id!);
  } catch (error) {
    if (!(error instanceof AwsProbeError)) throw error;
    evidence.note(`target health could not be read (${error.message}); using the configured target count`);
    return null;
  }
}

/** alb.round-robin's parts, each judged on the answered requests whatever else failed. */
function recordRoundRobinParts(
  evidence: EvidenceRecorder,
  judged: { test: EvenSharesResult; seen: string[]; zones: string[]; shares: string; targets: number },
): void {
  const { test, seen, zones, shares } = judged;
  evidence.part(
    'every-target',
    test.missing.length === 0,
    test.missing.length === 0
      ? `all ${Math.max(seen.length, judged.targets)} targets served requests`
      : `${test.missing.length} target(s) got no request: ${test.missing.join(', ')}`,
  );
  evidence.part(
    'both-azs',
    zones.length >= 2,
    zones.length >= 2 ? `served from ${zones.join(', ')}` : `served only from ${zones[0] ?? 'an unknown AZ'}`,
  );
  evidence.part('even-shares', test.consistent, `${shares}: ${test.reason}`);
}

export const stateChecks = suiteChecks(() => {
  const albInventory = inventoryIfConfigured([needsAlbName]);

  check('alb.round-robin', async ({ stack, settings, evidence }) => {
    const url = stack.alb?.url;
    if (!url) return skipped('alb.url is not set in the stack file');
    const healthy = await healthyTargetIds(albInventory, evidence);
    const known = healthy?.length || stack.alb?.expectedTargets || stack.ec2?.instanceUrls?.length;
    const targets = known ?? defaults.expect.appInstances;
    if (!known)
      evidence.note(
        `the number of targets is not configured (alb.expectedTargets); assuming the lab's ${targets}`,
      );
    // A sample size set in the stack file is taken whole; the default plan may stop at a look once the
    // sample is clean and clearly even (see defaultSamplingPlan), which spares the student's ALB most of it.
    const plan: SamplingPlan = stack.alb?.samples
      ? { looks: [], n: stack.alb.samples }
      : defaultSamplingPlan(targets);
    // With target health known, the test is against exactly the healthy targets; otherwise against what answered.
    const expectedFor = (byInstance: Record<string, number>): string[] => {
      const expected = healthy && healthy.length > 0 ? [...healthy] : Object.keys(byInstance);
      for (let i = expected.length; i < targets; i += 1) expected.push(`(target ${i + 1} never answered)`);
      return expected;
    };
    const served = await sampleServingTargets(url, {
      requests: plan.n,
      concurrency: defaults.roundRobin.concurrency,
      http: httpOptions(settings),
      ...(stack.alb?.instancePattern ? { patterns: stack.alb.instancePattern } : {}),
      looks: plan.looks.map((look) => look.n),
      // Only a clean sample stops early: every answer a page naming its instance, both AZs, even shares.
      acceptAt: (sofar, n) => {
        const look = plan.looks.find((candidate) => candidate.n === n);
        return (
          look !== undefined &&
          sofar.status5xx === 0 &&
          sofar.transportErrors === 0 &&
          sofar.unidentified === 0 &&
          Object.keys(sofar.byZone).length >= 2 &&
          acceptsAtLook(sofar.byInstance, expectedFor(sofar.byInstance), look)
        );
      },
    });
    const requests = served.requests.length;
    const seen = Object.keys(served.byInstance);
    const expected = expectedFor(served.byInstance);
    const test = testEvenShares(served.byInstance, expected);
    evidence.set('distribution', served.byInstance);
    evidence.set('zones', served.byZone);
    evidence.set('zoneOfInstance', served.zoneOf);
    evidence.measure('requests', requests, 'requests', `of up to ${plan.n}`);
    const look = plan.looks.find((candidate) => candidate.n === served.stoppedAt);
    if (look) {
      evidence.note(
        `stopped after ${look.n} of up to ${plan.n} requests: the shares were even within this look's bound (chi-square ${test.chiSquare.toFixed(2)} < ${look.acceptBelow.toFixed(2)}), which a balancer skewed ${Math.round(defaults.roundRobin.skew * 100)}/${Math.round((1 - defaults.roundRobin.skew) * 100)} passes in at most ${(look.missRate * 100).toFixed(1)}% of runs`,
      );
    }
    evidence.measure('chi-square', test.chiSquare, '', `df ${test.df}`);
    evidence.measure('p-value', test.pValue, '', `alpha ${test.alpha}`);
    evidence.measure('5xx responses', served.status5xx, 'responses');
    evidence.measure('transport errors', served.transportErrors, 'requests');
    evidence.series(
      'serving latency',
      'ms',
      served.requests.map((r) => Math.round(r.ms * 10) / 10),
    );
    const shares = Object.entries(served.byInstance)
      .map(([id, count]) => `${id}${served.zoneOf[id] ? ` (${served.zoneOf[id]})` : ''} ${count}`)
      .join(', ');
    const zones = Object.keys(served.byZone);
    const answered = requests - served.transportErrors;
    if (answered === 0) throw new Error(`none of ${requests} requests to ${url} was answered`);
    recordRoundRobinParts(evidence, { test, seen, zones, shares, targets });
    // Answers that were not pages (5xx, none at all, no instance id) mean not every target served the page.
    if (served.status5xx > 0) {
      evidence.part('every-target', false, `${served.status5xx} of ${requests} requests got a 5xx`);
      return failed(
        `${served.status5xx} of ${requests} requests through the ALB got a 5xx`,
        'check the target group: every registered target must be healthy and answer on port 80',
      );
    }
    const unanswered = judgeUnanswered(requests, served.transportErrors);
    if (!unanswered.tolerated) {
      evidence.part('every-target', false, unanswered.reason);
      return failed(unanswered.reason);
    }
    if (unanswered.note) evidence.note(unanswered.note);
    if (served.unidentified > answered / 2) {
      evidence.part(
        'every-target',
        false,
        `${served.unidentified} of ${answered} pages showed no instance id`,
      );
      return failed(
        `${served.unidentified} of ${answered} pages did not show an instance id`,
        "serve the lab's index.php (instance id and AZ from the metadata service), or set alb.instancePattern",
      );
    }
    if (zones.length < 2) {
      return failed(
        `all ${answered} requests were served from ${zones[0] ?? 'an unknown AZ'} (${shares})`,
        'register app instances from both AZs in the target group and enable both AZs on the load balancer',
      );
    }
    if (!test.consistent) {
      const missing = test.missing.length > 0 ? `; ${test.missing.length} target(s) got no request` : '';
      return failed(
        `shares are not round robin: ${shares} (chi-square ${test.chiSquare.toFixed(1)}, p = ${test.pValue.toExponential(2)} < ${test.alpha})${missing}`,
        'use the round_robin algorithm on the target group, turn off stickiness, and make every target healthy',
      );
    }
    return passed(
      `${answered} requests over ${seen.length} targets in ${zones.length} AZs: ${shares} (p = ${test.pValue.toFixed(3)})`,
    );
  });

  awsCheck('alb.targets.healthy', [needsAlbName], async (c) => {
    const lab = c.inventory;
    const [targetHealth, instances, loadBalancer] = await Promise.all([
      lab.targetHealth(),
      lab.appInstances(),
      lab.loadBalancer(),
    ]);
    const zoneOfTarget = Object.fromEntries(
      instances.map((instance) => [
        instance.InstanceId!,
        instance.Placement?.AvailabilityZone ?? 'unknown AZ',
      ]),
    );
    const loadBalancerZones = (loadBalancer.AvailabilityZones ?? []).flatMap((z) =>
      z.ZoneName ? [z.ZoneName] : [],
    );
    return outcomeOf(checkAlbTargets({ targetHealth, zoneOfTarget, loadBalancerZones }), c);
  });

  awsCheck('alb.placement', [needsAlbName, needsVpc], async (c) => {
    const lab = c.inventory;
    const [loadBalancer, subnets, routeTables, targetInstances] = await Promise.all([
      lab.loadBalancer(),
      lab.subnets(),
      lab.routeTables(),
      lab.appInstances(),
    ]);
    return outcomeOf(checkAlbPlacement({ loadBalancer, subnets, routeTables, targetInstances }), c);
  });
});
