// How asg.scale-out.drill judges what it observed: the verdict (in the lab's words, with a fix) and the
// check's parts (the AlarmHigh alarm fired, desired capacity rose, the new instances became healthy).

import { phaseSeconds } from '../probes/asgObservation/scaleOutTimeline.ts';
import type { CheckPart } from '../reports/evidence.ts';
import type { DrillOutcome } from './experiment.ts';
import type { ScaleOutObservation } from './scaleOutObservation.ts';

/** A figure to one decimal, as the reasons and the evidence write it. */
export const round1 = (value: number) => Math.round(value * 10) / 10;
/** A CPU percentage: one decimal below 10 %, whole above; '?' when CloudWatch gave none. */
export const pct = (value: number | null) =>
  value === null ? '?' : `${value < 10 ? round1(value) : Math.round(value)}%`;

export function judgeScaleOut(seen: ScaleOutObservation): DrillOutcome {
  const { groupName, original, timeline } = seen;
  const target = seen.cpuTarget;
  if (seen.blocked === 'max-equals-min') {
    return {
      verdict: 'fail',
      reason: `max size equals min size (${original.min}): the group cannot scale out`,
      fix: `edit ${groupName}: set the maximum capacity above the minimum (the lab: min 2, desired 2, max 4)`,
    };
  }
  if (seen.blocked === 'at-max') {
    return {
      verdict: 'fail',
      reason: `desired capacity is already at the maximum (${original.max}): the group cannot scale out`,
      fix: `set ${groupName} back to desired ${original.min}, or raise its maximum capacity`,
    };
  }
  const peakCpu = timeline?.peakCpu ?? null;
  const peakDesired = timeline?.peakDesired ?? original.desired;
  const cpuText =
    peakCpu === null
      ? `under load (CloudWatch gave no average CPU; target ${round1(target)}%)`
      : `average CPU reached ${pct(peakCpu)} (target ${round1(target)}%)`;
  if (!seen.policy) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${peakDesired}: the group has no target-tracking policy`,
      fix: `add a dynamic scaling policy to the group: Target tracking, metric "Average CPU utilization", target value as in the lab (${round1(target)})`,
    };
  }
  if (!seen.policy.enabled && peakDesired <= original.desired) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${peakDesired}: the scaling policy ${seen.policy.name} is disabled`,
      fix: `enable the scaling policy ${seen.policy.name}`,
    };
  }
  const instances = timeline?.instances ?? [];
  const launchedCount = instances.length;
  if (!seen.attached && peakDesired > original.desired) {
    return {
      verdict: 'fail',
      reason: `desired capacity rose to ${peakDesired} and ${launchedCount} new instance(s) launched, but ${groupName} is not attached to a load balancer target group: the ALB never sends them traffic`,
      fix: 'attach the group to the ALB target group (Load balancing: attach to an existing load balancer)',
    };
  }
  if (timeline?.complete) {
    const phases = new Map(phaseSeconds(timeline, timeline.phases[0]?.atMs ?? 0).map((p) => [p.name, p.s]));
    const at = (name: string) => (phases.has(name) ? ` at +${phases.get(name)} s` : '');
    const serving = phases.has('serving traffic') ? `, serving traffic${at('serving traffic')}` : '';
    return {
      verdict: 'pass',
      reason:
        `${cpuText}; ${timeline.alarm ? `alarm${at('alarm')}, ` : ''}desired ${original.desired} → ${peakDesired}${at('desired raised')}; ` +
        `${timeline.wanted} new instance(s) InService${at('instance InService')} and healthy in ${seen.targetGroups}${at('scale-out complete')}${serving}`,
    };
  }
  if (peakDesired > original.desired) {
    const failed = timeline?.failedLaunches ?? [];
    if (failed.length > 0 && instances.every((i) => i.inServiceAtMs === null)) {
      return {
        verdict: 'fail',
        reason: `desired capacity rose to ${peakDesired} but launching new instances failed: ${failed[0]?.statusMessage || failed[0]?.description}`,
        fix: 'check the launch template (AMI, instance type, security group, subnets) so that the group can launch instances',
      };
    }
    const inService = instances.filter((i) => i.inServiceAtMs !== null);
    if (inService.length === 0) {
      return {
        verdict: 'fail',
        reason: `desired capacity rose to ${peakDesired} but ${launchedCount === 0 ? 'no new instance was launched' : `${launchedCount} new instance(s) never became InService`} within ${seen.timeoutS} s`,
        fix: "look at the group's Activity history for why the launches did not finish",
      };
    }
    const lastStates = [...new Set(inService.map((i) => i.lastTargetState).filter(Boolean))]
      .slice(0, 3)
      .join(', ');
    return {
      verdict: 'fail',
      reason: `${inService.length} new instance(s) launched but never became healthy in ${seen.targetGroups}${lastStates ? ` (last state: ${lastStates})` : ''} within ${seen.timeoutS} s`,
      fix: 'check the launch template (AMI with the LAMP page, user data, security group allowing HTTP from the ALB): new instances must pass the ALB health check',
    };
  }
  if (seen.load.stoppedBy === 'errorRate') {
    return {
      verdict: 'error',
      reason: `the ALB failed almost every request under load (${seen.load.errors} errors, ${seen.load.non2xx} non-2xx of ${seen.load.requests}); the load stopped before the group could scale`,
      errorCode: 'net.refused',
    };
  }
  if (seen.cpuReached) {
    return {
      verdict: 'fail',
      reason: `${cpuText} but desired capacity stayed at ${original.desired} within ${seen.timeoutS} s: the AlarmHigh alarm did not trigger ${seen.policy.name}`,
      fix: `check the TargetTracking-${groupName}-AlarmHigh alarm in CloudWatch (Alarms) and the group's Activity history`,
    };
  }
  if (peakCpu === null) {
    return {
      verdict: 'error',
      reason: `CloudWatch returned no CPUUtilization for AutoScalingGroupName=${groupName} during the load, and desired capacity stayed at ${original.desired}: cannot tell why`,
      errorCode: 'aws.no-data',
    };
  }
  return {
    verdict: 'error',
    reason: `the load through the ALB lifted average CPU only to ${pct(peakCpu)} (target ${target}%) within ${seen.timeoutS} s (peak ${seen.load.peakConnections} connections): raise the load caps or thresholds.scaleOutTimeoutS`,
    errorCode: 'load.insufficient',
  };
}

/**
 * The drill's parts, judged on their own from what was observed: the AlarmHigh alarm fired, desired
 * capacity rose, and the new instances became InService and healthy in the target group.
 */
export function scaleOutParts(seen: ScaleOutObservation): CheckPart[] {
  const { original, timeline } = seen;
  if (seen.blocked) {
    const why =
      seen.blocked === 'max-equals-min'
        ? `max size equals min size (${original.min}): the group cannot scale out`
        : `desired capacity is already at the maximum (${original.max})`;
    return [
      { name: 'alarm-fired', passed: false, detail: `not judged: ${why}` },
      { name: 'desired-rose', passed: false, detail: why },
      { name: 'new-instances-healthy', passed: false, detail: `not judged: ${why}` },
    ];
  }
  const peakDesired = timeline?.peakDesired ?? original.desired;
  const rose = peakDesired > original.desired;
  const alarm = timeline?.alarm ?? null;
  const alarmPart: CheckPart = alarm
    ? {
        name: 'alarm-fired',
        passed: true,
        detail: `${alarm.alarmName} in ALARM triggered ${alarm.policyName}`,
      }
    : rose && seen.policy
      ? {
          name: 'alarm-fired',
          passed: true,
          // Under target tracking only the policy's AlarmHigh alarm raises desired capacity.
          detail: `desired capacity rose under ${seen.policy.name}, whose AlarmHigh alarm raises it (the trigger itself was not in the activity history)`,
        }
      : {
          name: 'alarm-fired',
          passed: false,
          detail: !seen.policy
            ? 'the group has no target-tracking policy, so no alarm'
            : seen.cpuReached
              ? `average CPU passed the target (${round1(seen.cpuTarget)}%) but the AlarmHigh alarm did not trigger ${seen.policy.name}`
              : `average CPU reached only ${pct(timeline?.peakCpu ?? null)} (target ${round1(seen.cpuTarget)}%)`,
        };
  const ready = timeline?.complete === true && seen.attached;
  const launched = timeline?.instances.length ?? 0;
  return [
    alarmPart,
    {
      name: 'desired-rose',
      passed: rose,
      detail: rose
        ? `desired ${original.desired} → ${peakDesired}`
        : `desired capacity stayed at ${original.desired} within ${seen.timeoutS} s`,
    },
    {
      name: 'new-instances-healthy',
      passed: ready,
      detail: ready
        ? `${timeline!.wanted} new instance(s) InService and healthy in ${seen.targetGroups}`
        : !rose
          ? 'not judged: no new instance was asked for'
          : !seen.attached
            ? `${launched} new instance(s) launched, but the group is not attached to a target group`
            : `${launched} new instance(s) launched; not all became InService and healthy in ${seen.targetGroups} within ${seen.timeoutS} s`,
    },
  ];
}
