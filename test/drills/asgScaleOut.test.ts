import type { ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { asgScaleOutDrill } from '../../drills/asgScaleOut.ts';
import { runDrill } from '../../drills/experiment.ts';
import { cpuPolicyOf, type ScaleOutObservation } from '../../drills/scaleOutObservation.ts';
import { rampLevels, rampStepSeconds } from '../../drills/scaleOutRamp.ts';
import { judgeScaleOut, scaleOutParts } from '../../drills/scaleOutVerdict.ts';
import type { AsgReadClients } from '../../probes/asgObservation/groupState.ts';
import { analyzeScaleOut } from '../../probes/asgObservation/scaleOutTimeline.ts';
import { catalogEntry } from '../../suites/catalog.ts';
import { launchActivity, snapshot, t0 } from '../probes/asgObservation/awsShapedData.ts';

const a = 'i-0aaaaaaaaaaaaaaa1';
const b = 'i-0bbbbbbbbbbbbbbb2';
const c = 'i-0ccccccccccccccc3';
const d = 'i-0ddddddddddddddd4';
const orig = [{ id: a }, { id: b, az: 'ap-northeast-2c' }];
const original = { min: 2, desired: 2, max: 4, instanceIds: [a, b] };

const labPolicy: ScalingPolicy = {
  AutoScalingGroupName: 'lab-vpc-asg',
  PolicyName: 'lab-policy-01',
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingConfiguration: {
    PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
    TargetValue: 7,
    DisableScaleIn: false,
  },
  Enabled: true,
  Alarms: [
    { AlarmName: 'TargetTracking-lab-vpc-asg-AlarmHigh-9f1c2d3e-0000-4000-8000-000000000001' },
    { AlarmName: 'TargetTracking-lab-vpc-asg-AlarmLow-9f1c2d3e-0000-4000-8000-000000000002' },
  ],
};

function observation(
  overrides: Partial<ScaleOutObservation>,
  timelineInput?: Parameters<typeof analyzeScaleOut>[0],
): ScaleOutObservation {
  return {
    groupName: 'lab-vpc-asg',
    targetGroups: 'lab-vpc-alb-asg-tg',
    attached: true,
    policy: cpuPolicyOf([labPolicy]),
    cpuTarget: 7,
    original,
    blocked: null,
    cpuReached: true,
    load: {
      stoppedBy: 'condition',
      requests: 120_000,
      errors: 0,
      non2xx: 0,
      durationS: 380,
      peakConnections: 250,
    },
    timeoutS: 900,
    timeline: timelineInput ? analyzeScaleOut(timelineInput) : null,
    observerFailures: [],
    ...overrides,
  };
}

const s = (sec: number) => t0 + sec * 1000;

describe('cpuPolicyOf', () => {
  it('finds the target-tracking policy on average CPU and its target', () => {
    expect(cpuPolicyOf([labPolicy])).toEqual({
      name: 'lab-policy-01',
      targetValue: 7,
      enabled: true,
      // The alarm the cool-down waits on before the capacity is put back.
      alarmHigh: ['TargetTracking-lab-vpc-asg-AlarmHigh-9f1c2d3e-0000-4000-8000-000000000001'],
    });
    expect(
      cpuPolicyOf([{ ...labPolicy, PolicyType: 'SimpleScaling', TargetTrackingConfiguration: undefined }]),
    ).toBeNull();
    expect(cpuPolicyOf([{ ...labPolicy, Enabled: false }])?.enabled).toBe(false);
  });
});

describe('the ramp', () => {
  it('steps through a sixteenth, a quarter and all of the connection cap', () => {
    expect(rampLevels(1000)).toEqual([63, 250, 1000]);
    expect(rampLevels(3)).toEqual([1, 3]);
    expect(rampStepSeconds(900)).toBe(90);
    expect(rampStepSeconds(20)).toBe(5);
    expect(rampStepSeconds(7200)).toBe(120);
  });
});

describe('judgeScaleOut', () => {
  it('passes with the timeline in the reason', () => {
    const outcome = judgeScaleOut(
      observation(
        {},
        {
          loadStartMs: t0,
          loadEndMs: s(390),
          original,
          snapshots: [
            snapshot(s(60), 2, orig, { cpu: 93 }),
            snapshot(s(200), 4, [
              ...orig,
              { id: c, lifecycle: 'Pending', target: null },
              { id: d, lifecycle: 'Pending', target: null },
            ]),
            snapshot(s(380), 4, [...orig, { id: c }, { id: d }]),
          ],
          activities: [launchActivity(c, s(195)), launchActivity(d, s(195))],
          served: [{ atMs: s(385), targets: { [c]: 1, [d]: 1 } }],
        },
      ),
    );
    expect(outcome.verdict).toBe('pass');
    expect(outcome.reason).toContain('average CPU reached 93% (target 7%)');
    expect(outcome.reason).toContain('desired 2 → 4 at +200 s');
    expect(outcome.reason).toContain('healthy in lab-vpc-alb-asg-tg at +380 s');
    expect(outcome.reason).toContain('serving traffic at +385 s');
  });

  it("fails in the lab's words when the group has no target-tracking policy", () => {
    const outcome = judgeScaleOut(
      observation(
        { policy: null },
        {
          loadStartMs: t0,
          loadEndMs: s(200),
          original,
          snapshots: [snapshot(s(100), 2, orig, { cpu: 93 })],
          activities: [],
          served: [],
        },
      ),
    );
    expect(outcome).toMatchObject({
      verdict: 'fail',
      reason:
        'average CPU reached 93% (target 7%) but desired capacity stayed at 2: the group has no target-tracking policy',
    });
    expect(outcome.fix).toContain('Target tracking');
    expect(outcome.fix).toContain('target value as in the lab (7)');
  });

  it("names the stack's own CPU target when the group has no policy (seed 003's 80%)", () => {
    const outcome = judgeScaleOut(
      observation(
        { policy: null, cpuTarget: 80 },
        {
          loadStartMs: t0,
          loadEndMs: s(200),
          original,
          snapshots: [snapshot(s(100), 2, orig, { cpu: 93 })],
          activities: [],
          served: [],
        },
      ),
    );
    expect(outcome.reason).toContain('(target 80%)');
    expect(outcome.fix).toContain('target value as in the lab (80)');
  });

  it('fails without load when max equals min', () => {
    const outcome = judgeScaleOut(
      observation({ blocked: 'max-equals-min', original: { ...original, max: 2 } }),
    );
    expect(outcome.reason).toBe('max size equals min size (2): the group cannot scale out');
  });

  it('fails when new instances never become healthy in the target group', () => {
    const outcome = judgeScaleOut(
      observation(
        {
          load: {
            stoppedBy: 'duration',
            requests: 1,
            errors: 0,
            non2xx: 0,
            durationS: 900,
            peakConnections: 1000,
          },
        },
        {
          loadStartMs: t0,
          loadEndMs: s(900),
          original,
          snapshots: [
            snapshot(s(60), 2, orig, { cpu: 93 }),
            snapshot(s(800), 4, [...orig, { id: c, target: 'unhealthy' }, { id: d, target: 'unhealthy' }]),
          ],
          activities: [launchActivity(c, s(195)), launchActivity(d, s(195))],
          served: [],
        },
      ),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.reason).toMatch(
      /^2 new instance\(s\) launched but never became healthy in lab-vpc-alb-asg-tg \(last state: unhealthy\)/,
    );
  });

  it('fails when the group is not attached to a target group', () => {
    const outcome = judgeScaleOut(
      observation(
        { attached: false, targetGroups: 'its target group' },
        {
          loadStartMs: t0,
          loadEndMs: s(400),
          original,
          snapshots: [snapshot(s(300), 4, [...orig, { id: c }, { id: d }], { attached: false, cpu: 80 })],
          activities: [launchActivity(c, s(195)), launchActivity(d, s(195))],
          served: [],
        },
      ),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.reason).toContain('not attached to a load balancer target group');
  });

  it("reports failed launches with AWS's status message", () => {
    const outcome = judgeScaleOut(
      observation(
        {},
        {
          loadStartMs: t0,
          loadEndMs: s(900),
          original,
          snapshots: [snapshot(s(300), 4, orig, { cpu: 80 })],
          activities: [
            {
              ...launchActivity(c, s(195), 'Failed'),
              Description: 'Launching a new EC2 instance.  Status Reason: The image id does not exist.',
            },
          ],
          served: [],
        },
      ),
    );
    expect(outcome.reason).toContain('launching new instances failed');
    expect(outcome.reason).toContain('does not exist');
  });

  it('says the alarm did not fire when CPU passed the target but desired stayed', () => {
    const outcome = judgeScaleOut(
      observation(
        {},
        {
          loadStartMs: t0,
          loadEndMs: s(900),
          original,
          snapshots: [snapshot(s(300), 2, orig, { cpu: 40 })],
          activities: [],
          served: [],
        },
      ),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.reason).toContain('the AlarmHigh alarm did not trigger lab-policy-01');
  });

  it('is an error, not a fail, when the load could not lift CPU to the target', () => {
    const outcome = judgeScaleOut(
      observation(
        { cpuReached: false },
        {
          loadStartMs: t0,
          loadEndMs: s(900),
          original,
          snapshots: [snapshot(s(300), 2, orig, { cpu: 4 })],
          activities: [],
          served: [],
        },
      ),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.reason).toContain('only to 4% (target 7%)');
  });
});

describe('the drill in a dry run', () => {
  it('plans one journalled step (the load) and calls nothing', async () => {
    const reads = {} as AsgReadClients; // a dry run never reads: an empty object would throw on any call
    const drill = asgScaleOutDrill({
      groupName: 'lab-vpc-asg',
      albUrl: 'http://lab-vpc-alb-asg-97160126.ap-northeast-2.elb.amazonaws.com/',
      reads,
      timeoutS: 900,
      load: { connections: 1000, maxRequests: 200_000 },
      http: { timeoutMs: 1000, retries: 0, maxBodyBytes: 1024 },
      restoreCapacity: true,
    });
    const result = await runDrill(drill, {
      journal: '/nonexistent/never-written.jsonl',
      clients: {},
      dryRun: true,
    });
    expect(result.outcome.verdict).toBe('skip');
    expect(result.plan.map((p) => p.step)).toEqual(['load-through-alb']);
    expect(result.plan[0]?.undoText).toContain('lab-vpc-asg');
  });
});

describe('scaleOutParts', () => {
  const passedParts = (seen: ScaleOutObservation) =>
    Object.fromEntries(scaleOutParts(seen).map((part) => [part.name, part.passed]));
  const scaledOut = (snapshots: Parameters<typeof analyzeScaleOut>[0]['snapshots']) => ({
    loadStartMs: t0,
    loadEndMs: s(390),
    original,
    snapshots,
    activities: [launchActivity(c, s(195)), launchActivity(d, s(195))],
    served: [],
  });

  it('passes every part of a complete scale-out, in the catalog order', () => {
    const parts = scaleOutParts(
      observation(
        {},
        scaledOut([
          snapshot(s(60), 2, orig, { cpu: 93 }),
          snapshot(s(380), 4, [...orig, { id: c }, { id: d }]),
        ]),
      ),
    );
    expect(parts.map((p) => p.name)).toEqual(catalogEntry('asg.scale-out.drill').parts);
    expect(parts.every((p) => p.passed)).toBe(true);
    expect(parts[0]?.detail).toContain('AlarmHigh');
    expect(parts[1]?.detail).toBe('desired 2 → 4');
    expect(parts[2]?.detail).toBe('2 new instance(s) InService and healthy in lab-vpc-alb-asg-tg');
  });

  it('new instances that never become healthy cost only the last part', () => {
    const seen = observation(
      {},
      scaledOut([
        snapshot(s(60), 2, orig, { cpu: 93 }),
        snapshot(s(380), 4, [...orig, { id: c, target: 'unhealthy' }, { id: d, target: 'unhealthy' }]),
      ]),
    );
    expect(passedParts(seen)).toEqual({
      'alarm-fired': true,
      'desired-rose': true,
      'new-instances-healthy': false,
    });
  });

  it('asg-no-policy and asg-max-equals-min cost the parts they prevent', () => {
    const noPolicy = observation(
      { policy: null },
      {
        loadStartMs: t0,
        loadEndMs: s(200),
        original,
        snapshots: [snapshot(s(100), 2, orig, { cpu: 93 })],
        activities: [],
        served: [],
      },
    );
    expect(passedParts(noPolicy)).toEqual({
      'alarm-fired': false,
      'desired-rose': false,
      'new-instances-healthy': false,
    });
    expect(scaleOutParts(noPolicy)[0]?.detail).toBe('the group has no target-tracking policy, so no alarm');
    const blocked = scaleOutParts(
      observation({ blocked: 'max-equals-min', original: { ...original, max: 2 } }),
    );
    expect(blocked.map((p) => p.passed)).toEqual([false, false, false]);
    expect(blocked[1]?.detail).toBe('max size equals min size (2): the group cannot scale out');
    expect(blocked[0]?.detail).toMatch(/^not judged: /);
  });

  it('asg-not-attached: desired rose, but the new instances get no traffic', () => {
    const seen = observation(
      { attached: false, targetGroups: 'its target group' },
      {
        loadStartMs: t0,
        loadEndMs: s(400),
        original,
        snapshots: [snapshot(s(300), 4, [...orig, { id: c }, { id: d }], { attached: false, cpu: 80 })],
        activities: [launchActivity(c, s(195)), launchActivity(d, s(195))],
        served: [],
      },
    );
    expect(passedParts(seen)).toEqual({
      'alarm-fired': true,
      'desired-rose': true,
      'new-instances-healthy': false,
    });
  });
});
