import { describe, expect, it } from 'vitest';
import { judgeScaleIn, terminationsOf } from '../../../probes/asgObservation/scaleInSummary.ts';
import { alarmLow, iso, launchActivity, t0, terminateActivity } from './awsShapedData.ts';

const c = 'i-0ccccccccccccccc3';
const d = 'i-0ddddddddddddddd4';

const scaleInCause = (at: number, from: number, to: number, id: string) =>
  `At ${iso(at)} a monitor alarm ${alarmLow} in state ALARM triggered policy lab-policy-01 changing the desired capacity from ${from} to ${to}.  At ${iso(at + 9_000)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${to}.  At ${iso(at + 9_000)} instance ${id} was selected for termination.`;

describe('terminationsOf', () => {
  it('lists which instances were terminated and why, oldest first, skipping launches', () => {
    const terminations = terminationsOf([
      terminateActivity(c, t0 + 120_000, scaleInCause(t0 + 110_000, 3, 2, c)),
      launchActivity('i-0eeeeeeeeeeeeeee5', t0),
      terminateActivity(d, t0 + 60_000, scaleInCause(t0 + 50_000, 4, 3, d)),
      terminateActivity(
        'i-0fffffffffffffff6',
        t0 + 180_000,
        `At ${iso(t0 + 180_000)} an instance was taken out of service in response to an ELB system health check failure.`,
      ),
    ]);
    expect(terminations.map((t) => [t.instanceId, t.reason, t.from, t.to])).toEqual([
      [d, 'scale-in alarm', 4, 3],
      [c, 'scale-in alarm', 3, 2],
      ['i-0fffffffffffffff6', 'health check', null, null],
    ]);
    expect(terminations[0]?.why).toContain('AlarmLow');
  });
});

describe('judgeScaleIn', () => {
  const base = {
    groupName: 'lab-vpc-asg',
    min: 2,
    timeoutS: 1800,
    elapsedS: 840,
    scaleInDisabled: false,
    terminations: terminationsOf([
      terminateActivity(d, t0 + 60_000, scaleInCause(t0 + 50_000, 4, 3, d)),
      terminateActivity(c, t0 + 120_000, scaleInCause(t0 + 110_000, 3, 2, c)),
    ]),
  };

  it('passes when the group came back to its minimum, naming the terminated instances', () => {
    const verdict = judgeScaleIn({
      ...base,
      start: { desired: 4, inService: 4 },
      end: { desired: 2, inService: 2 },
    });
    expect(verdict.verdict).toBe('pass');
    expect(verdict.reason).toContain(`${d} (scale-in alarm)`);
    expect(verdict.reason).toContain('from 4 to 2');
  });

  it('fails when the group stays above its minimum, and says when scale-in is disabled', () => {
    const stuck = judgeScaleIn({
      ...base,
      terminations: [],
      start: { desired: 4, inService: 4 },
      end: { desired: 4, inService: 4 },
    });
    expect(stuck.verdict).toBe('fail');
    expect(stuck.reason).toContain('still has desired 4');
    expect(stuck.reason).toContain('no instance was terminated');
    const disabled = judgeScaleIn({
      ...base,
      scaleInDisabled: true,
      start: { desired: 4, inService: 4 },
      end: { desired: 4, inService: 4 },
    });
    expect(disabled.reason).toContain('scale-in disabled');
  });

  it('skips when the group is at its minimum with no scale-in to show', () => {
    const verdict = judgeScaleIn({
      ...base,
      terminations: [],
      start: { desired: 2, inService: 2 },
      end: { desired: 2, inService: 2 },
    });
    expect(verdict.verdict).toBe('skip');
    const after = judgeScaleIn({
      ...base,
      start: { desired: 2, inService: 2 },
      end: { desired: 2, inService: 2 },
    });
    expect(after.verdict).toBe('pass');
  });
});
