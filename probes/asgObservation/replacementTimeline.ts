// How a group replaced a lost instance, from the looks taken after the loss: the first instance that was
// not there before, when it was InService and when it was healthy in the target group; and how the lost
// instance left (its termination activity's cause). Pure.

import type { Activity } from '@aws-sdk/client-auto-scaling';
import { activityAction, activityInstanceId, describeCause, parseActivityCause } from './activityCause.ts';
import { type GroupSnapshot, healthyTargetIds } from './groupState.ts';

export interface Replacement {
  id: string;
  availabilityZone: string;
  /** Epoch ms of the first look that saw it (any lifecycle state). */
  firstSeenAtMs: number;
  inServiceAtMs: number | null;
  healthyAtMs: number | null;
}

export interface ReplacementTimeline {
  replacement: Replacement | null;
  /** When the lost instance was last listed by the group (epoch ms), null if never after the loss. */
  lostLastSeenAtMs: number | null;
  /** Why the group says the lost instance went, from its termination activity. */
  lostCause: string | null;
  /** The launch activity of the replacement: its cause in one line. */
  launchCause: string | null;
}

export function analyzeReplacement(input: {
  lostId: string;
  originalIds: readonly string[];
  disruptedAtMs: number;
  snapshots: readonly GroupSnapshot[];
  activities: readonly Activity[];
  attached: boolean;
}): ReplacementTimeline {
  const original = new Set(input.originalIds);
  const after = [...input.snapshots]
    .filter((s) => s.atMs >= input.disruptedAtMs)
    .sort((a, b) => a.atMs - b.atMs);
  let replacement: Replacement | null = null;
  let lostLastSeenAtMs: number | null = null;
  for (const snapshot of after) {
    if (snapshot.instances.some((i) => i.id === input.lostId)) lostLastSeenAtMs = snapshot.atMs;
    const healthy = new Set(healthyTargetIds(snapshot));
    for (const instance of snapshot.instances) {
      if (original.has(instance.id) || !instance.id) continue;
      if (replacement === null) {
        replacement = {
          id: instance.id,
          availabilityZone: instance.availabilityZone,
          firstSeenAtMs: snapshot.atMs,
          inServiceAtMs: null,
          healthyAtMs: null,
        };
      }
      if (instance.id !== replacement.id) continue;
      if (instance.lifecycle === 'InService') replacement.inServiceAtMs ??= snapshot.atMs;
      if (healthy.has(instance.id) || (!input.attached && instance.lifecycle === 'InService')) {
        replacement.healthyAtMs ??= snapshot.atMs;
      }
    }
  }
  let lostCause: string | null = null;
  let launchCause: string | null = null;
  for (const activity of input.activities) {
    const id = activityInstanceId(activity.Description);
    const action = activityAction(activity.Description);
    if (action === 'terminate' && id === input.lostId)
      lostCause ??= describeCause(parseActivityCause(activity.Cause));
    if (action === 'launch' && replacement && id === replacement.id) {
      launchCause ??= describeCause(parseActivityCause(activity.Cause));
    }
  }
  return { replacement, lostLastSeenAtMs, lostCause, launchCause };
}
