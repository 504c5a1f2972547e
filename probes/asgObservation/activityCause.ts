// The Cause of an Auto Scaling activity, read as data. AWS writes it as one or more sentences, each
// starting "At <ISO time> …": the alarm that triggered the policy, the capacity change it made, the
// instance started or taken out of service and why. Cause texts come from a network peer: the input is cut
// to a bounded size and every field is matched with bounded patterns.

export const MAX_CAUSE_CHARS = 4_000;

export type CauseKind =
  /** "a monitor alarm … in state ALARM triggered policy … changing the desired capacity from 2 to 4" */
  | 'alarm'
  /** "a user request update of AutoScalingGroup constraints … changing the desired capacity from 4 to 2" */
  | 'user-capacity'
  /** "an instance was started in response to a difference between desired and running capacity …" */
  | 'capacity-launch'
  /** "an instance was taken out of service in response to a difference between desired and actual capacity …" */
  | 'capacity-shrink'
  /** "instance i-… was selected for termination" */
  | 'selected-for-termination'
  /** "instance i-… was taken out of service in response to a user request" */
  | 'user-terminate'
  /** "an instance was taken out of service in response to an ELB system health check failure" and the like */
  | 'health'
  | 'other';

export interface CauseSegment {
  kind: CauseKind;
  /** The time the sentence starts with, in epoch ms; null when it has none or it does not parse. */
  atMs: number | null;
  /** The sentence after its time, trimmed and bounded. */
  text: string;
  alarmName?: string;
  alarmState?: string;
  /** 'high' for a TargetTracking-…-AlarmHigh-… alarm, 'low' for AlarmLow, null for any other alarm. */
  alarmSide?: 'high' | 'low' | null;
  policyName?: string;
  /** Capacity before and after, where the sentence says "from N to M". */
  from?: number;
  to?: number;
  instanceId?: string;
  /** For 'health': what failed, e.g. "an ELB system health check failure". */
  healthReason?: string;
}

const SEGMENT_START = /(?=\bAt \d{4}-\d{2}-\d{2}T)/;
const SEGMENT_TIME = /^At (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}))\s*,?\s*/;
const FROM_TO = /from (\d{1,6}) to (\d{1,6})/;
const INSTANCE_ID = /\b(i-[0-9a-f]{8,17})\b/;

function capacityChange(text: string): { from?: number; to?: number } {
  const match = FROM_TO.exec(text);
  return match ? { from: Number(match[1]), to: Number(match[2]) } : {};
}

function alarmSideOf(name: string): 'high' | 'low' | null {
  if (/-AlarmHigh-/.test(name)) return 'high';
  if (/-AlarmLow-/.test(name)) return 'low';
  return null;
}

function parseSegment(raw: string): CauseSegment {
  const timeMatch = SEGMENT_TIME.exec(raw);
  const parsedTime = timeMatch ? Date.parse(timeMatch[1] as string) : Number.NaN;
  const atMs = Number.isFinite(parsedTime) ? parsedTime : null;
  const text = (timeMatch ? raw.slice(timeMatch[0].length) : raw).trim().slice(0, 600);
  const base = { atMs, text };

  const alarm =
    /a monitor alarm (\S{1,255}) in state (\w{1,30}) triggered policy (.{1,255}?) changing the desired capacity/.exec(
      text,
    );
  if (alarm) {
    const alarmName = alarm[1] as string;
    return {
      ...base,
      kind: 'alarm',
      alarmName,
      alarmState: alarm[2] as string,
      alarmSide: alarmSideOf(alarmName),
      policyName: (alarm[3] as string).trim(),
      ...capacityChange(text),
    };
  }
  if (/\buser request\b.{0,300}changing the desired capacity/.test(text)) {
    return { ...base, kind: 'user-capacity', ...capacityChange(text) };
  }
  if (/\bstarted in response to a difference between desired and (?:running|actual) capacity/.test(text)) {
    return { ...base, kind: 'capacity-launch', ...capacityChange(text) };
  }
  if (/\btaken out of service in response to a difference between desired and actual capacity/.test(text)) {
    return { ...base, kind: 'capacity-shrink', ...capacityChange(text) };
  }
  const instanceId = INSTANCE_ID.exec(text)?.[1];
  if (/\bwas selected for termination\b/.test(text)) {
    return { ...base, kind: 'selected-for-termination', ...(instanceId ? { instanceId } : {}) };
  }
  if (/\btaken out of service in response to a user request\b/.test(text)) {
    return {
      ...base,
      kind: 'user-terminate',
      ...(instanceId ? { instanceId } : {}),
      ...capacityChange(text),
    };
  }
  const health = /\btaken out of service in response to (.{0,200}?health check.{0,200}?)\.?$/.exec(text);
  if (health) {
    return {
      ...base,
      kind: 'health',
      healthReason: (health[1] as string).trim(),
      ...(instanceId ? { instanceId } : {}),
    };
  }
  return { ...base, kind: 'other', ...(instanceId ? { instanceId } : {}) };
}

/** The sentences of a Cause, in the order AWS wrote them. */
export function parseActivityCause(cause: string | undefined | null): CauseSegment[] {
  if (!cause) return [];
  const bounded = cause.slice(0, MAX_CAUSE_CHARS);
  return bounded
    .split(SEGMENT_START)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .slice(0, 20)
    .map(parseSegment);
}

/** The instance an activity is about, from its Description ("Launching a new EC2 instance: i-…"). */
export function activityInstanceId(description: string | undefined | null): string | null {
  if (!description) return null;
  return INSTANCE_ID.exec(description.slice(0, 500))?.[1] ?? null;
}

export type ActivityAction = 'launch' | 'terminate' | 'other';

/** What an activity did, from its Description. */
export function activityAction(description: string | undefined | null): ActivityAction {
  const text = (description ?? '').slice(0, 500);
  if (/^Launching a new EC2 instance/i.test(text)) return 'launch';
  if (/^Terminating EC2 instance/i.test(text)) return 'terminate';
  return 'other';
}

/** One line saying why an activity happened, for evidence and fail messages. */
export function describeCause(segments: readonly CauseSegment[]): string {
  const first = segments[0];
  if (!first) return 'no cause given';
  switch (first.kind) {
    case 'alarm':
      return `alarm ${first.alarmName} in state ${first.alarmState} triggered policy ${first.policyName}${
        first.from !== undefined ? ` (desired ${first.from} → ${first.to})` : ''
      }`;
    case 'user-capacity':
      return `a user request changed the desired capacity${first.from !== undefined ? ` (${first.from} → ${first.to})` : ''}`;
    case 'user-terminate':
      return `${first.instanceId ?? 'an instance'} was terminated by a user request`;
    case 'health':
      return `an instance was taken out of service after ${first.healthReason}`;
    case 'capacity-launch':
      return 'an instance was started to reach the desired capacity';
    case 'capacity-shrink':
      return 'an instance was taken out of service to reach the desired capacity';
    default:
      return first.text.slice(0, 200);
  }
}
