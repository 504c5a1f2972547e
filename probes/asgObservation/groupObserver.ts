// Follows a group over time: reads it every `everyMs` until stopped, for at most `maxDurationMs` and
// `maxPolls` looks, keeping the snapshots (bounded) and every activity seen, merged by id (a launch goes
// PreInService → Successful between looks). A failed look is counted and noted, never fatal: the next one
// may succeed, and a drill must keep its load bounded whatever the control plane does.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from '@aws-sdk/client-auto-scaling';
import type { GroupReading, GroupSnapshot } from './groupState.ts';

export const MAX_SNAPSHOTS = 2_000;
export const MAX_ACTIVITIES = 500;

export interface GroupObserverOptions {
  read: () => Promise<GroupReading>;
  everyMs: number;
  maxDurationMs: number;
  maxPolls?: number;
  /** Called after each successful look. */
  onSnapshot?: (snapshot: GroupSnapshot) => void;
  /** Activities with these ids are history from before the observation and are left out. */
  ignoreActivityIds?: ReadonlySet<string>;
}

/** How often to look, scaled to how long the thing watched may take: about 150 looks, 0.5 s to 15 s apart. */
export function pollIntervalFor(timeoutS: number): number {
  return Math.min(15_000, Math.max(500, Math.round((timeoutS * 1000) / 150)));
}

export class GroupObserver {
  readonly snapshots: GroupSnapshot[] = [];
  private readonly activityById = new Map<string, Activity>();
  readonly failures: string[] = [];
  failedPolls = 0;
  polls = 0;
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: GroupObserverOptions) {}

  get latest(): GroupSnapshot | null {
    return this.snapshots.at(-1) ?? null;
  }

  /** Activities seen, oldest first by start time. */
  get activities(): Activity[] {
    return [...this.activityById.values()].sort(
      (a, b) => (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0),
    );
  }

  /** One look now, outside the loop (e.g. a last one after the load). */
  async pollOnce(): Promise<GroupSnapshot | null> {
    this.polls += 1;
    try {
      const reading = await this.options.read();
      this.record(reading);
      return reading.snapshot;
    } catch (error) {
      this.failedPolls += 1;
      if (this.failures.length < 5) {
        this.failures.push(((error as Error)?.message ?? String(error)).split('\n')[0]!.slice(0, 300));
      }
      return null;
    }
  }

  private record(reading: GroupReading): void {
    if (this.snapshots.length >= MAX_SNAPSHOTS) this.snapshots.splice(1, 1); // keep the first look
    this.snapshots.push(reading.snapshot);
    for (const activity of reading.activities) {
      const id = activity.ActivityId;
      if (!id || this.options.ignoreActivityIds?.has(id)) continue;
      if (!this.activityById.has(id) && this.activityById.size >= MAX_ACTIVITIES) continue;
      this.activityById.set(id, activity);
    }
    try {
      this.options.onSnapshot?.(reading.snapshot);
    } catch {
      // A display callback must not end the observation.
    }
  }

  /** Starts the loop; it ends by itself after maxDurationMs or maxPolls, or on stop(). */
  start(): void {
    if (this.loop) return;
    const started = Date.now();
    const maxPolls =
      this.options.maxPolls ?? Math.ceil(this.options.maxDurationMs / this.options.everyMs) + 1;
    this.loop = (async () => {
      while (!this.stopped && this.polls < maxPolls && Date.now() - started < this.options.maxDurationMs) {
        await this.pollOnce();
        if (this.stopped) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.everyMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    })();
  }

  /** Ends the loop and waits for a look in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }
}

/**
 * Looks at the group until `problemOf` finds nothing wrong (e.g. a just-deployed target still 'initial'),
 * for at most `budgetMs`; the last problem, or undefined once the group is settled.
 */
export async function settleGroup(
  read: () => Promise<GroupSnapshot>,
  problemOf: (snapshot: GroupSnapshot) => string | undefined,
  options: { budgetMs: number; everyMs: number; signal?: AbortSignal },
): Promise<string | undefined> {
  const started = Date.now();
  for (;;) {
    const problem = problemOf(await read());
    if (problem === undefined) return undefined;
    if (Date.now() - started + options.everyMs > options.budgetMs || options.signal?.aborted) return problem;
    // An abort ends the wait with the last problem seen: the caller learns why the group is not settled.
    await sleep(options.everyMs, undefined, options.signal ? { signal: options.signal } : {}).catch(
      () => undefined,
    );
    if (options.signal?.aborted) return problem;
  }
}
