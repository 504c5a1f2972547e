// Which instances a group terminated and why, from its activities: the description names the instance,
// the cause says whether the AlarmLow alarm shrank the group, a user changed its size, or a health check
// took the instance out of service. Pure.

import type { Activity } from '@aws-sdk/client-auto-scaling';
import {
  activityAction,
  activityInstanceId,
  type CauseKind,
  describeCause,
  parseActivityCause,
} from './activityCause.ts';

export type TerminationReason = 'scale-in alarm' | 'user request' | 'health check' | 'other';

export interface Termination {
  instanceId: string | null;
  atMs: number | null;
  endedAtMs: number | null;
  status: string;
  reason: TerminationReason;
  /** The cause in one line. */
  why: string;
  /** Capacity change the cause states, e.g. 4 → 3. */
  from: number | null;
  to: number | null;
}

function reasonOf(kinds: readonly CauseKind[], alarmLow: boolean): TerminationReason {
  if (alarmLow) return 'scale-in alarm';
  if (kinds.includes('user-capacity') || kinds.includes('user-terminate')) return 'user request';
  if (kinds.includes('health')) return 'health check';
  return 'other';
}

/** The termination activities among `activities`, oldest first. */
export function terminationsOf(activities: readonly Activity[]): Termination[] {
  const out: Termination[] = [];
  for (const activity of activities) {
    if (activityAction(activity.Description) !== 'terminate') continue;
    const segments = parseActivityCause(activity.Cause);
    const alarmLow = segments.some((s) => s.kind === 'alarm' && s.alarmSide === 'low');
    const change = segments.find((s) => s.from !== undefined && s.to !== undefined);
    out.push({
      instanceId: activityInstanceId(activity.Description),
      atMs: activity.StartTime?.getTime() ?? null,
      endedAtMs: activity.EndTime?.getTime() ?? null,
      status: activity.StatusCode ?? 'unknown',
      reason: reasonOf(
        segments.map((s) => s.kind),
        alarmLow,
      ),
      why: describeCause(segments),
      from: change?.from ?? null,
      to: change?.to ?? null,
    });
  }
  return out.sort((a, b) => (a.atMs ?? 0) - (b.atMs ?? 0));
}

export interface ScaleInVerdictInput {
  groupName: string;
  min: number;
  /** Desired and InService count at the start of the observation and at its end. */
  start: { desired: number; inService: number };
  end: { desired: number; inService: number };
  timeoutS: number;
  elapsedS: number;
  terminations: readonly Termination[];
  /** Whether the target-tracking policy has DisableScaleIn set. */
  scaleInDisabled: boolean;
}

export type ScaleInVerdict =
  | { verdict: 'pass'; reason: string }
  | { verdict: 'fail'; reason: string; fix: string }
  | { verdict: 'skip'; reason: string };

export function judgeScaleIn(input: ScaleInVerdictInput): ScaleInVerdict {
  const { groupName, min } = input;
  const terminated = input.terminations.filter((t) => t.status !== 'Failed' && t.status !== 'Cancelled');
  const listed = terminated
    .slice(0, 6)
    .map((t) => `${t.instanceId ?? 'an instance'} (${t.reason})`)
    .join(', ');
  const atMinimum = input.end.desired <= min && input.end.inService <= min;
  if (input.start.desired <= min && input.start.inService <= min) {
    if (terminated.length === 0) {
      return {
        verdict: 'skip',
        reason: `${groupName} is at its minimum (${min}) and its recent history shows no scale-in: run the scale-out drill first, then this probe`,
      };
    }
    return {
      verdict: 'pass',
      reason: `${groupName} is back at its minimum (${min}); its last scale-in terminated ${listed}`,
    };
  }
  if (atMinimum) {
    return {
      verdict: 'pass',
      reason: `${groupName} scaled in from ${input.start.desired} to ${min} in ${Math.round(input.elapsedS)} s, terminating ${listed || 'no instance the history names'}`,
    };
  }
  if (input.scaleInDisabled) {
    return {
      verdict: 'fail',
      reason: `${groupName} stayed at desired ${input.end.desired} (min ${min}) for ${Math.round(input.elapsedS)} s: its target tracking policy has scale-in disabled`,
      fix: 'edit the scaling policy and clear "Disable scale in", so that the group shrinks when the load is gone',
    };
  }
  return {
    verdict: 'fail',
    reason: `${groupName} still has desired ${input.end.desired} and ${input.end.inService} InService after ${input.timeoutS} s (min ${min})${
      terminated.length > 0 ? `; terminated so far: ${listed}` : '; no instance was terminated'
    }`,
    fix: 'check that the load has stopped and the AlarmLow alarm of the target tracking policy goes to ALARM (CloudWatch → Alarms); scale-in waits for 15 one-minute datapoints below the target',
  };
}
