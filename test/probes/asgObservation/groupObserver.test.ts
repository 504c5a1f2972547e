import type { Activity } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { GroupObserver, pollIntervalFor } from '../../../probes/asgObservation/groupObserver.ts';
import type { GroupReading } from '../../../probes/asgObservation/groupState.ts';
import { launchActivity, snapshot, t0 } from './awsShapedData.ts';

describe('pollIntervalFor', () => {
  it('scales with the time limit within 0.5 s and 15 s', () => {
    expect(pollIntervalFor(900)).toBe(6_000);
    expect(pollIntervalFor(30)).toBe(500);
    expect(pollIntervalFor(36_000)).toBe(15_000);
  });
});

describe('GroupObserver', () => {
  it('stops by itself after maxPolls, survives failed looks and merges activities by id', async () => {
    let calls = 0;
    const old: Activity = { ...launchActivity('i-0ooooooooooooooo0', t0), ActivityId: 'old' };
    const pending = launchActivity('i-0ccccccccccccccc3', t0, 'PreInService');
    const done = launchActivity('i-0ccccccccccccccc3', t0);
    const read = async (): Promise<GroupReading> => {
      calls += 1;
      if (calls === 2) throw new Error('Throttling: Rate exceeded');
      return {
        snapshot: snapshot(t0 + calls, 2 + Math.min(calls, 2), []),
        activities: [calls < 3 ? pending : done, old],
      };
    };
    const observer = new GroupObserver({
      read,
      everyMs: 1,
      maxDurationMs: 10_000,
      maxPolls: 5,
      ignoreActivityIds: new Set(['old']),
    });
    observer.start();
    for (let i = 0; i < 100 && observer.polls < 5; i++) await new Promise((r) => setTimeout(r, 10));
    await observer.stop();
    expect(calls).toBe(5);
    expect(observer.failedPolls).toBe(1);
    expect(observer.failures[0]).toContain('Throttling');
    expect(observer.snapshots).toHaveLength(4);
    expect(observer.latest?.desired).toBe(4);
    expect(observer.activities.map((a) => [a.ActivityId, a.StatusCode])).toEqual([
      ['launch-i-0ccccccccccccccc3', 'Successful'],
    ]);
  });

  it('stops when asked, mid-wait (a wait longer than the test timeout would fail the test)', async () => {
    const observer = new GroupObserver({
      read: async () => ({ snapshot: snapshot(t0, 2, []), activities: [] }),
      everyMs: 600_000,
      maxDurationMs: 1_200_000,
    });
    observer.start();
    await new Promise((r) => setTimeout(r, 20));
    await observer.stop();
    expect(observer.polls).toBe(1);
  });

  it('ends at the first look for which stopWhen holds, and on its signal', async () => {
    let desired = 4;
    const met = new GroupObserver({
      read: async () => ({ snapshot: snapshot(t0, desired--, []), activities: [] }),
      everyMs: 1,
      maxDurationMs: 10_000,
      stopWhen: (s) => s.desired <= 2,
    });
    met.start();
    expect(await met.done).toBe('met');
    expect(met.snapshots.map((s) => s.desired)).toEqual([4, 3, 2]);

    const controller = new AbortController();
    const aborted = new GroupObserver({
      read: async () => ({ snapshot: snapshot(t0, 2, []), activities: [] }),
      everyMs: 600_000,
      maxDurationMs: 1_200_000,
      signal: controller.signal,
    });
    aborted.start();
    setTimeout(() => controller.abort(), 20);
    expect(await aborted.done).toBe('aborted');
    expect(aborted.polls).toBe(1);
  });
});
