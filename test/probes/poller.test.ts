import { describe, expect, it } from 'vitest';
import { pollUntil, startPoller, startSampler } from '../../probes/poller.ts';

describe('the one polling loop', () => {
  it('ends after maxPolls looks', async () => {
    const poller = startPoller(async () => 1, { everyMs: 1, maxPolls: 5, maxDurationMs: 60_000 });
    expect(await poller.done).toBe('max-polls');
    expect(poller.polls).toBe(5);
  });

  it('ends by its duration without sleeping towards a look that would not start', async () => {
    const started = Date.now();
    const poller = startPoller(async () => 1, { everyMs: 10_000, maxDurationMs: 200 });
    expect(await poller.done).toBe('max-duration');
    expect(poller.polls).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('ends on an abort while it waits between looks', async () => {
    const controller = new AbortController();
    const poller = startPoller(async () => 1, {
      everyMs: 60_000,
      maxDurationMs: 600_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect(await poller.done).toBe('aborted');
    expect(poller.polls).toBe(1);
  });

  it('takes no look when the signal has already aborted', async () => {
    const outcome = await pollUntil(
      async () => 1,
      () => true,
      {
        everyMs: 1,
        maxDurationMs: 1_000,
        signal: AbortSignal.abort(),
      },
    );
    expect(outcome).toEqual({ met: false, last: undefined, polls: 0, end: 'aborted' });
  });

  it('stop() ends the loop after the look in progress', async () => {
    let release!: () => void;
    const poller = startPoller(() => new Promise<number>((resolve) => (release = () => resolve(1))), {
      everyMs: 1,
      maxDurationMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const stopping = poller.stop();
    release();
    expect(await stopping).toBe('stopped');
    expect(poller.polls).toBe(1);
  });

  it('pollUntil returns the first result that meets the condition, or the last one', async () => {
    const met = await pollUntil(
      async (index) => index,
      (value) => value === 3,
      { everyMs: 1, maxDurationMs: 60_000 },
    );
    expect(met).toMatchObject({ met: true, last: 3, polls: 4, end: 'met' });
    const unmet = await pollUntil(
      async (index) => index,
      () => false,
      { everyMs: 1, maxPolls: 3, maxDurationMs: 60_000 },
    );
    expect(unmet).toMatchObject({ met: false, last: 2, polls: 3, end: 'max-polls' });
  });

  it('a sampler keeps every sample in order', async () => {
    const sampler = startSampler(async (index) => index * 2, {
      everyMs: 1,
      maxPolls: 4,
      maxDurationMs: 60_000,
    });
    expect(await sampler.done).toEqual([0, 2, 4, 6]);
  });

  it('grows the gaps between looks up to their cap', async () => {
    const starts: number[] = [];
    const poller = startPoller(async () => starts.push(Date.now()), {
      everyMs: 20,
      growth: { factor: 2, maxEveryMs: 80 },
      maxPolls: 5,
      maxDurationMs: 60_000,
    });
    await poller.done;
    const gaps = starts.slice(1).map((at, index) => at - starts[index]!);
    // 20, 40, 80, 80: each at least its planned gap (a busy machine only makes them longer).
    expect(gaps.map((gap, index) => gap >= [20, 40, 80, 80][index]! - 2)).toEqual([true, true, true, true]);
  });

  it('waits before the first look when asked, and an abort ends that wait', async () => {
    const started = Date.now();
    let firstAt = 0;
    await startPoller(async () => (firstAt = Date.now()), {
      everyMs: 1,
      firstLookAfterMs: 50,
      maxPolls: 1,
      maxDurationMs: 60_000,
    }).done;
    expect(firstAt - started).toBeGreaterThanOrEqual(49);
    const controller = new AbortController();
    const waiting = startPoller(async () => 1, {
      everyMs: 1,
      firstLookAfterMs: 60_000,
      maxDurationMs: 600_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 10);
    expect(await waiting.done).toBe('aborted');
    expect(waiting.polls).toBe(0);
  });
});
