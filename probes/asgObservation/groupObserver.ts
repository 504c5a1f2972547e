// Follows a group over time: reads it every `everyMs` through the one polling loop (probes/poller.ts), for
// at most `maxDurationMs` and `maxPolls` looks, until stopped, aborted or `stopWhen` holds; it keeps the
// snapshots (bounded) and every activity seen, merged by id (a launch goes PreInService → Successful between
// looks). A failed look is counted and noted, never fatal: the next one may succeed, and a drill must keep
// its load bounded whatever the control plane does.

import type { Activity } from '@aws-sdk/client-auto-scaling';
import { defaults } from '../../config/defaults.ts';
import { type Poller, type PollEnd, startPoller } from '../poller.ts';
import type { GroupReading, GroupSnapshot } from './groupState.ts';

export const MAX_SNAPSHOTS = 2_000;
export const MAX_ACTIVITIES = 500;

export interface GroupObserverOptions {
  read: () => Promise<GroupReading>;
  everyMs: number;
  maxDurationMs: number;
  maxPolls?: number;
  /** Ends the observation after the look in progress. */
  signal?: AbortSignal;
  /** Called after each successful look. */
  onSnapshot?: (snapshot: GroupSnapshot) => void;
  /** Ends the observation at the first successful look for which this holds. */
  stopWhen?: (snapshot: GroupSnapshot) => boolean;
  /** Activities with these ids are history from before the observation and are left out. */
  ignoreActivityIds?: ReadonlySet<string>;
}

/** How often to look, scaled to how long the thing watched may take (groupPolling in config/defaults.ts). */
export function pollIntervalFor(timeoutS: number): number {
  const { looksPerTimeout, minEveryMs, maxEveryMs } = defaults.groupPolling;
  return Math.min(maxEveryMs, Math.max(minEveryMs, Math.round((timeoutS * 1000) / looksPerTimeout)));
}

export class GroupObserver {
  readonly snapshots: GroupSnapshot[] = [];
  private readonly activityById = new Map<string, Activity>();
  readonly failures: string[] = [];
  failedPolls = 0;
  polls = 0;
  private poller: Poller | null = null;

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

  /** Starts the loop; it ends by itself at its bounds, on its signal, when stopWhen holds, or on stop(). */
  start(): void {
    if (this.poller) return;
    const { everyMs, maxDurationMs, maxPolls, signal, stopWhen } = this.options;
    this.poller = startPoller(
      () => this.pollOnce(),
      {
        everyMs,
        maxDurationMs,
        ...(maxPolls !== undefined ? { maxPolls } : {}),
        ...(signal ? { signal } : {}),
      },
      (snapshot) => (snapshot !== null && stopWhen?.(snapshot) ? 'stop' : undefined),
    );
  }

  /** Resolves once the loop has ended, with why; at once when it was never started. */
  get done(): Promise<PollEnd | null> {
    return this.poller?.done ?? Promise.resolve(null);
  }

  /** Ends the loop and waits for a look in progress to finish. */
  async stop(): Promise<void> {
    await this.poller?.stop();
  }
}
