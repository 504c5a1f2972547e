import { describe, expect, it } from 'vitest';
import {
  activityAction,
  activityInstanceId,
  describeCause,
  MAX_CAUSE_CHARS,
  parseActivityCause,
} from '../../../probes/asgObservation/activityCause.ts';
import { alarmHigh, alarmLow } from './awsShapedData.ts';

describe('parseActivityCause', () => {
  it('reads the alarm, the policy and the capacity change of a scale-out, then the launch', () => {
    const segments = parseActivityCause(
      `At 2024-05-14T06:03:12Z a monitor alarm ${alarmHigh} in state ALARM triggered policy lab-policy-01 changing the desired capacity from 2 to 4.  At 2024-05-14T06:03:20Z an instance was started in response to a difference between desired and running capacity, increasing the capacity from 2 to 4.`,
    );
    expect(segments.map((s) => s.kind)).toEqual(['alarm', 'capacity-launch']);
    expect(segments[0]).toMatchObject({
      atMs: Date.parse('2024-05-14T06:03:12Z'),
      alarmName: alarmHigh,
      alarmState: 'ALARM',
      alarmSide: 'high',
      policyName: 'lab-policy-01',
      from: 2,
      to: 4,
    });
    expect(segments[1]).toMatchObject({ atMs: Date.parse('2024-05-14T06:03:20Z'), from: 2, to: 4 });
  });

  it('reads a scale-in: AlarmLow, the shrink and the instance selected for termination', () => {
    const segments = parseActivityCause(
      `At 2024-05-14T06:31:40Z a monitor alarm ${alarmLow} in state ALARM triggered policy lab-policy-01 changing the desired capacity from 4 to 3.  At 2024-05-14T06:31:50Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 4 to 3.  At 2024-05-14T06:31:50Z instance i-0f1e2d3c4b5a69788 was selected for termination.`,
    );
    expect(segments.map((s) => s.kind)).toEqual(['alarm', 'capacity-shrink', 'selected-for-termination']);
    expect(segments[0]?.alarmSide).toBe('low');
    expect(segments[2]?.instanceId).toBe('i-0f1e2d3c4b5a69788');
    expect(describeCause(segments)).toContain('AlarmLow');
  });

  it('reads user requests and health checks', () => {
    const user = parseActivityCause(
      'At 2024-05-14T07:00:02Z instance i-0123456789abcdef0 was taken out of service in response to a user request.',
    );
    expect(user[0]).toMatchObject({ kind: 'user-terminate', instanceId: 'i-0123456789abcdef0' });
    const constraints = parseActivityCause(
      'At 2024-05-14T07:10:00Z a user request update of AutoScalingGroup constraints to min: 2, max: 4, desired: 2 changing the desired capacity from 4 to 2.  At 2024-05-14T07:10:09Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 4 to 2.',
    );
    expect(constraints.map((s) => s.kind)).toEqual(['user-capacity', 'capacity-shrink']);
    expect(constraints[0]).toMatchObject({ from: 4, to: 2 });
    const health = parseActivityCause(
      'At 2024-05-14T07:20:00Z an instance was taken out of service in response to an ELB system health check failure.',
    );
    expect(health[0]).toMatchObject({ kind: 'health', healthReason: 'an ELB system health check failure' });
  });

  it('keeps unknown sentences as other, and survives junk and huge input', () => {
    expect(parseActivityCause(undefined)).toEqual([]);
    expect(parseActivityCause('something odd happened')[0]).toMatchObject({ kind: 'other', atMs: null });
    const huge = `At 2024-05-14T06:00:00Z ${'x'.repeat(100_000)}`;
    const parsed = parseActivityCause(huge);
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.text.length).toBeLessThanOrEqual(600);
    expect(MAX_CAUSE_CHARS).toBeLessThan(huge.length);
    const many = Array.from(
      { length: 100 },
      (_, i) => `At 2024-05-14T06:00:${String(i % 60).padStart(2, '0')}Z x.`,
    ).join(' ');
    expect(parseActivityCause(many).length).toBeLessThanOrEqual(20);
  });
});

describe('activity descriptions', () => {
  it('tells launches from terminations and reads the instance id', () => {
    expect(activityAction('Launching a new EC2 instance: i-0a1b2c3d4e5f60718')).toBe('launch');
    expect(activityAction('Terminating EC2 instance: i-0a1b2c3d4e5f60718')).toBe('terminate');
    expect(activityAction('Launching a new EC2 instance.  Status Reason: …')).toBe('launch');
    expect(activityAction('Updating load balancers/target groups: Successful.')).toBe('other');
    expect(activityInstanceId('Terminating EC2 instance: i-0a1b2c3d4e5f60718')).toBe('i-0a1b2c3d4e5f60718');
    expect(activityInstanceId('Launching a new EC2 instance.  Status Reason: failed')).toBeNull();
  });
});
