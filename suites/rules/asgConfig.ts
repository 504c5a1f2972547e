import type { AutoScalingGroup, ScalingPolicy } from '@aws-sdk/client-auto-scaling';
import type { RouteTable, Subnet } from '@aws-sdk/client-ec2';
import { defaults } from '../../config/defaults.ts';
import type { LabExpectations } from '../../config/schema.ts';
import { joinFixes, partFrom, type RuleResult, summarize } from './ruleResult.ts';
import { subnetViews } from './subnetRoles.ts';

// asg.config: sizes as in the lab, a launch template with a version, private subnets in two AZs, an
// attached target group, ELB health checks and a target-tracking policy on average CPU at the lab's target.
// The sizes and the target come from the stack file's expect.asg (seed 002's numbers by default).

export interface AsgSizes {
  min: number;
  desired: number;
  max: number;
}

/** The lab's group (seed 002's 2 / 2 / 4). Desired may legitimately be higher while scaled out. */
export const labAsgSizes: AsgSizes = {
  min: defaults.expect.asg.min,
  desired: defaults.expect.asg.desired,
  max: defaults.expect.asg.max,
};

/** The lab's target value (%) of the target-tracking policy on average CPU (seed 002; seed 003 uses 80). */
export const labCpuTarget = defaults.expect.asg.cpuTarget;

/** The sizes and CPU target a stack file expects (its expect.asg), each defaulting to the lab's. */
export function asgExpectationsOf(expect: LabExpectations | undefined): {
  sizes: AsgSizes;
  cpuTarget: number;
} {
  const asg = expect?.asg;
  return {
    sizes: {
      min: asg?.min ?? labAsgSizes.min,
      desired: asg?.desired ?? labAsgSizes.desired,
      max: asg?.max ?? labAsgSizes.max,
    },
    cpuTarget: asg?.cpuTarget ?? labCpuTarget,
  };
}

/** Target values are compared with a tolerance: AWS returns the number the console saved as a double. */
const cpuTargetTolerance = 1e-6;

export interface AsgConfigInput {
  group: AutoScalingGroup;
  policies: readonly ScalingPolicy[];
  subnets: readonly Subnet[];
  routeTables: readonly RouteTable[];
  /** Sizes to expect; null checks only that the group can scale. */
  expected?: AsgSizes | null;
  /** The policy's target value (%) to expect; null checks only that there is a policy. */
  cpuTarget?: number | null;
}

export function checkAsgConfig(input: AsgConfigInput): RuleResult {
  const group = input.group;
  const name = group.AutoScalingGroupName ?? 'the Auto Scaling group';
  const min = group.MinSize ?? 0;
  const desired = group.DesiredCapacity ?? 0;
  const max = group.MaxSize ?? 0;
  const expected = input.expected === undefined ? labAsgSizes : input.expected;
  const expectedCpu = input.cpuTarget === undefined ? labCpuTarget : input.cpuTarget;
  const labSizes = expected ?? labAsgSizes;
  const problems: string[] = [];
  const fixes: string[] = [];
  // The problems by part, in the catalog's order.
  const partProblems = {
    sizes: [] as string[],
    'launch-template': [] as string[],
    'private-two-azs': [] as string[],
    'target-group': [] as string[],
    'elb-health-check': [] as string[],
    'cpu-policy': [] as string[],
  };
  const problemIn = (part: keyof typeof partProblems, text: string) => {
    problems.push(text);
    partProblems[part].push(text);
  };

  if (!(min <= desired && desired <= max) || max <= min) {
    problemIn('sizes', `${name} has min ${min} / desired ${desired} / max ${max}, so it cannot scale out`);
    fixes.push(
      `set min ≤ desired ≤ max with max above min (the lab: ${labSizes.min} / ${labSizes.desired} / ${labSizes.max})`,
    );
  } else if (expected && (min !== expected.min || max !== expected.max)) {
    problemIn(
      'sizes',
      `${name} has min ${min} / max ${max}; the lab uses min ${expected.min} / desired ${expected.desired} / max ${expected.max}`,
    );
    fixes.push(`edit the group: min ${expected.min}, desired ${expected.desired}, max ${expected.max}`);
  }

  const template =
    group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const templateText = template
    ? `${template.LaunchTemplateName ?? template.LaunchTemplateId} version ${template.Version ?? '$Default'}`
    : null;
  if (!template) {
    problemIn(
      'launch-template',
      group.LaunchConfigurationName
        ? `${name} uses launch configuration ${group.LaunchConfigurationName}, not a launch template`
        : `${name} has no launch template`,
    );
    fixes.push('create the group from the launch template (with the LAMP user data) and pick its version');
  }

  const views = new Map(subnetViews(input.subnets, input.routeTables).map((view) => [view.id, view]));
  const subnetIds = (group.VPCZoneIdentifier ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const groupSubnets = subnetIds.map((id) => ({
    id,
    label: views.get(id)?.label ?? id,
    az: views.get(id)?.az ?? 'unknown AZ',
    role: views.get(id)?.role ?? 'unknown',
  }));
  const zones = [...new Set(groupSubnets.map((s) => s.az))].sort();
  const publicOnes = groupSubnets.filter((s) => s.role === 'public');
  if (zones.length < 2) {
    problemIn(
      'private-two-azs',
      `${name} launches only into ${groupSubnets.map((s) => `${s.label} (${s.az})`).join(', ') || 'no subnet'}; an AZ outage would take every instance down`,
    );
    fixes.push(
      'add the private subnet of the other AZ to the group (private-subnet-a1 and private-subnet-c1)',
    );
  }
  if (publicOnes.length > 0) {
    problemIn(
      'private-two-azs',
      `${name} launches into public subnet(s) ${publicOnes.map((s) => s.label).join(', ')}`,
    );
    fixes.push("use the private subnets for the group's network");
  }

  const targetGroups = group.TargetGroupARNs ?? [];
  if (targetGroups.length === 0) {
    problemIn(
      'target-group',
      `${name} is not attached to a load balancer target group, so new instances get no traffic`,
    );
    fixes.push(
      'attach the group to the ALB target group (Load balancing: attach to an existing load balancer)',
    );
  }
  // AWS documents a comma-separated list (EC2, ELB, EBS, VPC_LATTICE): ELB must be one of them.
  const healthChecks = (group.HealthCheckType ?? 'EC2').split(',').map((type) => type.trim().toUpperCase());
  if (!healthChecks.includes('ELB')) {
    problemIn(
      'elb-health-check',
      `${name} uses ${group.HealthCheckType ?? 'EC2'} health checks, so an instance the ALB finds unhealthy is not replaced`,
    );
    fixes.push('turn on Elastic Load Balancing health checks for the group');
  }

  const cpuPolicy = input.policies.find(
    (policy) =>
      policy.PolicyType === 'TargetTrackingScaling' &&
      policy.TargetTrackingConfiguration?.PredefinedMetricSpecification?.PredefinedMetricType ===
        'ASGAverageCPUUtilization',
  );
  if (!cpuPolicy) {
    const others = input.policies.map((p) => `${p.PolicyName} (${p.PolicyType})`).join(', ');
    problemIn(
      'cpu-policy',
      `${name} has no target tracking policy on average CPU utilization${others ? `; it has ${others}` : ''}`,
    );
    fixes.push(
      `add a dynamic scaling policy: Target tracking, metric "Average CPU utilization", target value ${expectedCpu ?? labCpuTarget}`,
    );
  }
  const cpuTarget = cpuPolicy?.TargetTrackingConfiguration?.TargetValue ?? null;
  if (
    cpuPolicy &&
    expectedCpu !== null &&
    (cpuTarget === null || Math.abs(cpuTarget - expectedCpu) > cpuTargetTolerance)
  ) {
    problemIn(
      'cpu-policy',
      `${name}'s target tracking policy ${cpuPolicy.PolicyName ?? ''} aims at ${cpuTarget ?? 'no'}% average CPU; the lab uses ${expectedCpu}%`,
    );
    fixes.push(`edit the policy ${cpuPolicy.PolicyName ?? ''}: target value ${expectedCpu}`);
  }

  const details = {
    group: name,
    sizes: { min, desired, max },
    launchTemplate: templateText,
    subnets: groupSubnets,
    zones,
    targetGroups: [...targetGroups],
    healthCheckType: group.HealthCheckType ?? null,
    healthCheckGracePeriodS: group.HealthCheckGracePeriod ?? null,
    cpuPolicy: cpuPolicy ? { name: cpuPolicy.PolicyName ?? '', targetValue: cpuTarget } : null,
  };
  const passedDetail: Record<keyof typeof partProblems, string> = {
    sizes: `min ${min} / desired ${desired} / max ${max}`,
    'launch-template': `launch template ${templateText}`,
    'private-two-azs': `private subnets in ${zones.join(', ')}`,
    'target-group': `attached to ${targetGroups.length} target group(s)`,
    'elb-health-check': `${group.HealthCheckType ?? 'EC2'} health checks`,
    'cpu-policy': `target tracking on average CPU at ${cpuTarget}%`,
  };
  const parts = (Object.keys(partProblems) as (keyof typeof partProblems)[]).map((part) =>
    partFrom(part, partProblems[part], passedDetail[part]),
  );
  if (problems.length > 0) {
    const fix = joinFixes(fixes);
    return { ok: false, reason: summarize(problems), ...(fix ? { fix } : {}), details, parts };
  }
  return {
    ok: true,
    reason: `${name}: min ${min} / desired ${desired} / max ${max}, ${templateText}, private subnets in ${zones.join(', ')}, ${targetGroups.length} target group(s), ELB health checks, CPU target ${cpuTarget}%`,
    details,
    parts,
  };
}
