import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { asgSelfHealDrill, chooseInstanceToDisrupt } from '../../drills/asgSelfHeal.ts';
import { asgSteadyState, groupSteadyStateProblem } from '../../drills/asgSteadyState.ts';
import { runDrill } from '../../drills/experiment.ts';
import { judgeSelfHeal, type SelfHealObservation, selfHealParts } from '../../drills/selfHealVerdict.ts';
import { servingGaps } from '../../probes/asgObservation/albServing.ts';
import {
  type AsgReadClients,
  type GroupSnapshot,
  notAtRest,
} from '../../probes/asgObservation/groupState.ts';
import { analyzeReplacement } from '../../probes/asgObservation/replacementTimeline.ts';
import {
  iso,
  launchActivity,
  servingAnswer,
  snapshot,
  t0,
  terminateActivity,
} from '../probes/asgObservation/awsShapedData.ts';
import { catalogEntry } from '../../suites/catalog.ts';
import { labPage, startCountingServer } from '../loadgen/localTargets.ts';

const a = 'i-0aaaaaaaaaaaaaaa1';
const b = 'i-0bbbbbbbbbbbbbbb2';
const c = 'i-0ccccccccccccccc3';
const r = 'i-0eeeeeeeeeeeeeee5';
const s = (sec: number) => t0 + sec * 1000;

describe('chooseInstanceToDisrupt', () => {
  it('takes an InService, healthy instance from the AZ with the most of them', () => {
    const group = snapshot(t0, 3, [
      { id: c, az: 'ap-northeast-2c' },
      { id: b, az: 'ap-northeast-2a' },
      { id: a, az: 'ap-northeast-2c' },
    ]);
    expect(chooseInstanceToDisrupt(group)).toEqual({ id: a, availabilityZone: 'ap-northeast-2c' });
  });

  it('never picks an instance that is pending, unhealthy or not healthy in the target group', () => {
    const group = snapshot(t0, 4, [
      { id: a, lifecycle: 'Pending', target: null },
      { id: b, health: 'Unhealthy' },
      { id: c, target: 'draining' },
      { id: r, az: 'ap-northeast-2c' },
    ]);
    expect(chooseInstanceToDisrupt(group)?.id).toBe(r);
    expect(chooseInstanceToDisrupt(snapshot(t0, 1, [{ id: a, target: 'unhealthy' }]))).toBeNull();
  });
});

describe('analyzeReplacement', () => {
  it('finds the replacement and when it was InService and healthy, and why the lost one went', () => {
    const timeline = analyzeReplacement({
      lostId: a,
      originalIds: [a, b],
      disruptedAtMs: s(0),
      snapshots: [
        snapshot(s(-5), 2, [{ id: a }, { id: b }]),
        snapshot(s(10), 2, [{ id: a, lifecycle: 'Terminating', target: 'draining' }, { id: b }]),
        snapshot(s(40), 2, [{ id: b }, { id: r, lifecycle: 'Pending', target: null }]),
        snapshot(s(90), 2, [{ id: b }, { id: r, target: 'initial' }]),
        snapshot(s(150), 2, [{ id: b }, { id: r }]),
      ],
      activities: [
        terminateActivity(
          a,
          s(1),
          `At ${iso(s(1))} instance ${a} was taken out of service in response to a user request.`,
        ),
        launchActivity(
          r,
          s(30),
          'Successful',
          `At ${iso(s(30))} an instance was started in response to a difference between desired and running capacity, increasing the capacity from 1 to 2.`,
        ),
      ],
      attached: true,
    });
    expect(timeline.replacement).toMatchObject({
      id: r,
      firstSeenAtMs: s(40),
      inServiceAtMs: s(90),
      healthyAtMs: s(150),
    });
    expect(timeline.lostLastSeenAtMs).toBe(s(10));
    expect(timeline.lostCause).toContain('terminated by a user request');
    expect(timeline.launchCause).toBe('an instance was started to reach the desired capacity');
  });
});

function observation(overrides: Partial<SelfHealObservation> = {}): SelfHealObservation {
  const answers = [
    servingAnswer(s(-1), 200, { instanceId: a }),
    servingAnswer(s(0.5), 502),
    servingAnswer(s(1), 200, { instanceId: b }),
    servingAnswer(s(2), 200, { instanceId: b }),
  ];
  return {
    groupName: 'lab-vpc-asg',
    targetGroups: 'lab-vpc-alb-asg-tg',
    attached: true,
    mode: 'terminate',
    lost: { id: a, availabilityZone: 'ap-northeast-2a' },
    disruptedAtMs: s(0),
    timeoutS: 900,
    maxOutageS: 10,
    replacement: {
      replacement: {
        id: r,
        availabilityZone: 'ap-northeast-2a',
        firstSeenAtMs: s(40),
        inServiceAtMs: s(90),
        healthyAtMs: s(150),
      },
      lostLastSeenAtMs: s(10),
      lostCause: null,
      launchCause: null,
    },
    serving: servingGaps(answers, s(0)),
    servedBy: [b, r],
    ...overrides,
  };
}

describe('judgeSelfHeal', () => {
  it('passes with the replacement time and the error window', () => {
    const outcome = judgeSelfHeal(observation());
    expect(outcome.verdict).toBe('pass');
    expect(outcome.reason).toContain(
      `terminated ${a}; replacement ${r} InService after 90 s, healthy in lab-vpc-alb-asg-tg after 150 s`,
    );
    expect(outcome.reason).toContain('served 2 of 3 requests');
  });

  it('fails when no replacement came, or it never became healthy', () => {
    const none = judgeSelfHeal(
      observation({
        replacement: { replacement: null, lostLastSeenAtMs: null, lostCause: null, launchCause: null },
      }),
    );
    expect(none.reason).toBe(`lab-vpc-asg did not replace ${a} within 900 s after it was terminated`);
    const sick = judgeSelfHeal(
      observation({
        replacement: {
          replacement: {
            id: r,
            availabilityZone: 'ap-northeast-2a',
            firstSeenAtMs: s(40),
            inServiceAtMs: s(90),
            healthyAtMs: null,
          },
          lostLastSeenAtMs: null,
          lostCause: null,
          launchCause: null,
        },
      }),
    );
    expect(sick.reason).toContain('never healthy in lab-vpc-alb-asg-tg');
  });

  it('fails when the ALB stopped serving for longer than the limit', () => {
    const answers = [
      servingAnswer(s(0), 200, { instanceId: b }),
      servingAnswer(s(1), null, { ms: 3000, error: 'timeout' }),
      servingAnswer(s(14), 200, { instanceId: b }),
    ];
    const outcome = judgeSelfHeal(observation({ serving: servingGaps(answers, s(0)) }));
    expect(outcome.verdict).toBe('fail');
    expect(outcome.reason).toContain('the ALB stopped serving for 14 s');
  });
});

describe('selfHealParts', () => {
  const passedParts = (seen: SelfHealObservation) =>
    Object.fromEntries(selfHealParts(seen).map((part) => [part.name, part.passed]));

  it('passes both parts exactly when the drill passes', () => {
    const parts = selfHealParts(observation());
    expect(parts.map((p) => p.name)).toEqual(catalogEntry('asg.self-heal.drill').parts);
    expect(parts).toEqual([
      {
        name: 'replaced',
        passed: true,
        detail: `${r} healthy in lab-vpc-alb-asg-tg 150 s after ${a} was lost`,
      },
      {
        name: 'kept-serving',
        passed: true,
        detail: 'longest outage through the ALB 1 s (limit 10 s); 1 of 3 requests failed',
      },
    ]);
  });

  it('judges the replacement and the serving apart', () => {
    const noReplacement = observation({
      replacement: { replacement: null, lostLastSeenAtMs: null, lostCause: null, launchCause: null },
    });
    expect(passedParts(noReplacement)).toEqual({ replaced: false, 'kept-serving': true });
    expect(selfHealParts(noReplacement)[0]?.detail).toBe(`no replacement for ${a} within 900 s`);
    const answers = [
      servingAnswer(s(0), 200, { instanceId: b }),
      servingAnswer(s(1), null, { ms: 3000, error: 'timeout' }),
      servingAnswer(s(14), 200, { instanceId: b }),
    ];
    expect(passedParts(observation({ serving: servingGaps(answers, s(0)) }))).toEqual({
      replaced: true,
      'kept-serving': false,
    });
  });
});

describe('the drill in a dry run', () => {
  it('plans the stop with its undo', async () => {
    const drill = asgSelfHealDrill({
      groupName: 'lab-vpc-asg',
      albUrl: 'http://lab-vpc-alb-asg-97160126.ap-northeast-2.elb.amazonaws.com/',
      reads: {} as AsgReadClients, // a dry run never reads
      timeoutS: 900,
      http: { timeoutMs: 1000, retries: 0, maxBodyBytes: 1024 },
      mode: 'stop',
      maxOutageS: 10,
    });
    const result = await runDrill(drill, {
      journal: '/nonexistent/never-written.jsonl',
      clients: {},
      dryRun: true,
    });
    expect(result.plan.map((p) => p.step)).toEqual(['stop-instance']);
  });
});

describe('the Auto Scaling drills start from a group at rest', () => {
  const four = [{ id: 'i-a' }, { id: 'i-b' }, { id: 'i-c' }, { id: 'i-d' }];
  it('calls a group that an earlier drill left scaled out not at rest, and one at its minimum at rest', () => {
    expect(notAtRest(snapshot(t0, 4, four), 'lab-vpc-asg')).toBe(
      'lab-vpc-asg is not at rest: desired 4 is above its minimum 2 (earlier load is still scaled out)',
    );
    expect(notAtRest(snapshot(t0, 2, four.slice(0, 2)), 'lab-vpc-asg')).toBeUndefined();
    // A group that cannot grow (min = max) is always at rest.
    expect(notAtRest(snapshot(t0, 2, four.slice(0, 2), { min: 2, max: 2 }), 'lab-vpc-asg')).toBeUndefined();
  });

  it('one steady state serves both drills; only the self-heal needs a spare instance', () => {
    const problem = (group: GroupSnapshot, needsSpareInstance: boolean) =>
      groupSteadyStateProblem(group, 'lab-vpc-asg', needsSpareInstance);
    const atRest = snapshot(t0, 2, four.slice(0, 2));
    expect(problem(atRest, false)).toBeUndefined();
    expect(problem(atRest, true)).toBeUndefined();
    expect(problem(snapshot(t0, 4, four), false)).toContain('is not at rest');
    expect(problem(snapshot(t0, 2, [{ id: 'i-a' }, { id: 'i-b', lifecycle: 'Pending' }]), false)).toBe(
      'lab-vpc-asg has 1 of 2 desired instances InService',
    );
    const single = snapshot(t0, 1, [{ id: 'i-a' }], { min: 1, max: 1 });
    expect(problem(single, false)).toBeUndefined();
    expect(problem(single, true)).toBe(
      'lab-vpc-asg has 1 instance(s): taking one away would take the app down',
    );
    const sick = snapshot(t0, 2, [
      { id: 'i-a', target: 'initial' },
      { id: 'i-b', target: null },
    ]);
    for (const needsSpareInstance of [false, true]) {
      expect(problem(sick, needsSpareInstance)).toBe(
        'not every instance is healthy in lab-vpc-alb-asg-tg: i-a initial, i-b not registered',
      );
    }
    // Not attached: the drills say so in their verdicts, not as a steady-state problem.
    expect(problem(snapshot(t0, 2, four.slice(0, 2), { attached: false }), true)).toBeUndefined();
  });

  it('needs the app up through the ALB: a 200 with a database error on the page is not', async () => {
    let body = labPage('i-0aaaaaaaaaaaaaaa1');
    const alb = await startCountingServer({
      kind: 'custom',
      respond: (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(body),
    });
    // A group at rest, not attached (no target health to read), answered by the client's own send.
    const autoScaling = Object.assign(new AutoScalingClient({ region: 'ap-northeast-2' }), {
      send: async () => ({
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'lab-vpc-asg',
            MinSize: 2,
            MaxSize: 4,
            DesiredCapacity: 2,
            Instances: [a, b].map((id) => ({
              InstanceId: id,
              LifecycleState: 'InService',
              HealthStatus: 'Healthy',
              AvailabilityZone: 'ap-northeast-2a',
            })),
          },
        ],
      }),
    });
    const look = {
      groupName: 'lab-vpc-asg',
      albUrl: alb.url,
      reads: { autoScaling } as unknown as AsgReadClients, // only the group is read
      http: { timeoutMs: 2_000, retries: 0, maxBodyBytes: 64 * 1024 },
      timeoutS: 10,
      everyMs: 10,
      needsSpareInstance: true,
    };
    try {
      expect(await asgSteadyState(look, new AbortController().signal)).toBeUndefined();
      body = body.replace('</body>', 'Failed to connect to MySQL: Connection refused</body>');
      expect(await asgSteadyState(look, new AbortController().signal)).toBe(
        'the app through the ALB is not up before the drill: Failed to connect to MySQL: Connection refused',
      );
    } finally {
      await alb.close();
    }
  });
});
