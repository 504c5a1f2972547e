import { describe, expect, it } from 'vitest';
import {
  analyzeScaleOut,
  findAlarmTrigger,
  phaseSeconds,
} from '../../../probes/asgObservation/scaleOutTimeline.ts';
import { alarmHigh, launchActivity, snapshot, t0 } from './awsShapedData.ts';

const a = 'i-0aaaaaaaaaaaaaaa1';
const b = 'i-0bbbbbbbbbbbbbbb2';
const c = 'i-0ccccccccccccccc3';
const d = 'i-0ddddddddddddddd4';
const original = { min: 2, desired: 2, max: 4, instanceIds: [a, b] };
const orig = [{ id: a }, { id: b, az: 'ap-northeast-2c' }];

describe('analyzeScaleOut', () => {
  it('orders the lab scale-out: alarm → desired → launched → InService → healthy → serving', () => {
    const s = (sec: number) => t0 + sec * 1000;
    const timeline = analyzeScaleOut({
      loadStartMs: t0,
      loadEndMs: s(400),
      original,
      snapshots: [
        snapshot(s(60), 2, orig, { cpu: 12 }),
        snapshot(
          s(200),
          4,
          [
            ...orig,
            { id: c, lifecycle: 'Pending', target: null },
            { id: d, lifecycle: 'Pending', target: null },
          ],
          { cpu: 64 },
        ),
        snapshot(
          s(260),
          4,
          [...orig, { id: c, target: 'initial' }, { id: d, az: 'ap-northeast-2c', target: 'initial' }],
          { cpu: 93 },
        ),
        snapshot(s(320), 4, [...orig, { id: c }, { id: d, az: 'ap-northeast-2c', target: 'initial' }], {
          cpu: 50,
        }),
        snapshot(s(380), 4, [...orig, { id: c }, { id: d, az: 'ap-northeast-2c' }], { cpu: 40 }),
      ],
      activities: [launchActivity(c, s(195)), launchActivity(d, s(196))],
      served: [
        { atMs: s(100), targets: { [a]: 3, [b]: 3 } },
        { atMs: s(322), targets: { [a]: 2, [b]: 2, [c]: 2 } },
        { atMs: s(385), targets: { [d]: 1 } },
      ],
    });
    expect(timeline.alarm).toMatchObject({
      alarmName: alarmHigh,
      policyName: 'lab-policy-01',
      from: 2,
      to: 4,
    });
    expect(timeline.alarm?.atMs).toBe(s(187));
    expect(timeline.desiredRaisedAtMs).toBe(s(200));
    expect(timeline.peakDesired).toBe(4);
    expect(timeline.peakCpu).toBe(93);
    expect(timeline.wanted).toBe(2);
    expect(timeline.complete).toBe(true);
    expect(timeline.instances.map((i) => [i.id, i.inServiceAtMs, i.healthyAtMs, i.servingAtMs])).toEqual([
      [c, s(260), s(320), s(322)],
      [d, s(260), s(380), s(385)],
    ]);
    expect(timeline.phases.map((p) => p.name)).toEqual([
      'load start',
      'alarm',
      'instance launched',
      'desired raised',
      'instance InService',
      'healthy in target group',
      'serving traffic',
      'scale-out complete',
      'load stopped',
    ]);
    const seconds = Object.fromEntries(phaseSeconds(timeline, t0).map((p) => [p.name, p.s]));
    expect(seconds).toMatchObject({ alarm: 187, 'desired raised': 200, 'scale-out complete': 380 });
  });

  it('is not complete while a new instance is InService but unhealthy in the target group', () => {
    const timeline = analyzeScaleOut({
      loadStartMs: t0,
      loadEndMs: null,
      original,
      snapshots: [
        snapshot(t0 + 300_000, 4, [...orig, { id: c, target: 'unhealthy' }, { id: d, target: 'unhealthy' }]),
      ],
      activities: [launchActivity(c, t0 + 200_000), launchActivity(d, t0 + 200_000)],
      served: [],
    });
    expect(timeline.complete).toBe(false);
    expect(timeline.instances.every((i) => i.inServiceAtMs !== null && i.healthyAtMs === null)).toBe(true);
    expect(timeline.instances[0]?.lastTargetState).toBe('unhealthy');
  });

  it('keeps failed launches with their status message, and ignores instances that were there before', () => {
    const timeline = analyzeScaleOut({
      loadStartMs: t0,
      loadEndMs: null,
      original,
      snapshots: [snapshot(t0 + 100_000, 3, orig)],
      activities: [
        {
          ...launchActivity(c, t0 + 90_000, 'Failed'),
          Description: 'Launching a new EC2 instance.  Status Reason: The image id does not exist.',
        },
      ],
      served: [{ atMs: t0 + 1000, targets: { [a]: 5 } }],
    });
    expect(timeline.failedLaunches).toHaveLength(1);
    expect(timeline.failedLaunches[0]?.statusMessage).toContain('does not exist');
    expect(timeline.instances).toEqual([]);
    expect(timeline.complete).toBe(false);
  });

  it('counts only up to max when desired is capped', () => {
    const timeline = analyzeScaleOut({
      loadStartMs: t0,
      loadEndMs: null,
      original: { ...original, max: 3 },
      snapshots: [snapshot(t0 + 10_000, 3, [...orig, { id: c }], { max: 3 })],
      activities: [],
      served: [],
    });
    expect(timeline.wanted).toBe(1);
    expect(timeline.complete).toBe(true);
  });
});

describe('findAlarmTrigger', () => {
  it('ignores AlarmLow and takes the earliest AlarmHigh', () => {
    const low = launchActivity(
      c,
      t0,
      'Successful',
      `At 2024-05-14T06:00:00Z a monitor alarm TargetTracking-lab-vpc-asg-AlarmLow-1 in state ALARM triggered policy p changing the desired capacity from 4 to 3.`,
    );
    expect(findAlarmTrigger([low])).toBeNull();
    const later = launchActivity(d, t0 + 60_000);
    const earlier = launchActivity(c, t0 + 10_000);
    expect(findAlarmTrigger([later, low, earlier])?.atMs).toBe(t0 + 2_000);
  });
});
