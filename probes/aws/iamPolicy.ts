// The least-privilege IAM policies labdrill needs. The lists below are the registry: awsCall refuses a
// command whose action is missing here, and test/probes/aws/iamPolicy.test.ts scans the source of
// probes/aws, probes/exec and drills/ so that a list that drifts from the code fails the build.

/** Control-plane reads made by probes/aws; what every aws check needs. */
export const readActions = [
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribePolicies',
  'autoscaling:DescribeScalingActivities',
  'cloudfront:GetDistribution',
  'cloudfront:ListDistributions',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetMetricData',
  'cloudwatch:GetMetricStatistics',
  'ec2:DescribeInstances',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeLaunchTemplateVersions',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkInterfaceAttribute',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'elasticfilesystem:DescribeFileSystems',
  'elasticfilesystem:DescribeMountTargetSecurityGroups',
  'elasticfilesystem:DescribeMountTargets',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeTags',
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeTargetHealth',
  'rds:DescribeDBClusters',
  'rds:DescribeDBInstances',
  'rds:DescribeEvents',
  's3:GetBucketPolicy',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketWebsite',
  's3:ListAllMyBuckets',
  'ssm:DescribeInstanceInformation',
] as const;

/**
 * What the grader's own credentials need when a stack file or roster names aws.roleArn (probes/aws/assumedRole.ts):
 * to assume that role, whose trust policy must allow them. It belongs to the caller, not to the role's policy.
 */
export const assumeRoleActions = ['sts:AssumeRole'] as const;

/** Remote commands on instances through SSM Run Command (probes/exec/ssm.ts). */
export const execActions = ['ssm:CancelCommand', 'ssm:GetCommandInvocation', 'ssm:SendCommand'] as const;

/** State changes made by drills (and their undo), each with the check that needs it. */
export const drillActions = [
  { action: 'rds:RebootDBInstance', check: 'rds.failover.drill' },
  { action: 'rds:FailoverDBCluster', check: 'aurora.failover.drill' },
  { action: 's3:PutBucketPolicy', check: 's3.website.deny-then-allow' },
  { action: 's3:DeleteBucketPolicy', check: 's3.website.deny-then-allow' },
  { action: 's3:PutBucketPublicAccessBlock', check: 's3.website.deny-then-allow' },
  { action: 'ec2:StopInstances', check: 'asg.self-heal.drill' },
  { action: 'ec2:StartInstances', check: 'asg.self-heal.drill' },
  { action: 'autoscaling:TerminateInstanceInAutoScalingGroup', check: 'asg.self-heal.drill' },
  { action: 'autoscaling:UpdateAutoScalingGroup', check: 'asg.scale-out.drill' },
] as const;

export type IamPolicyKind = 'read' | 'drill';

export interface IamPolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }[];
}

/** Every action labdrill may call, whatever the policy kind. */
export function policyActions(): string[] {
  return [...readActions, ...assumeRoleActions, ...execActions, ...drillActions.map((entry) => entry.action)];
}

/**
 * The policy for `read` (probes only; SSM exec added with `exec: true`, for efs.shared and other exec
 * probes) or `drill` (reads, exec and the drills' changes).
 */
export function iamPolicy(kind: IamPolicyKind, options: { exec?: boolean } = {}): IamPolicyDocument {
  const statements: IamPolicyDocument['Statement'] = [
    { Sid: 'LabdrillRead', Effect: 'Allow', Action: [...readActions].sort(), Resource: '*' },
  ];
  if (kind === 'drill' || options.exec) {
    statements.push({ Sid: 'LabdrillExec', Effect: 'Allow', Action: [...execActions].sort(), Resource: '*' });
  }
  if (kind === 'drill') {
    const actions = [...new Set(drillActions.map((entry) => entry.action))].sort();
    statements.push({ Sid: 'LabdrillDrill', Effect: 'Allow', Action: actions, Resource: '*' });
  }
  return { Version: '2012-10-17', Statement: statements };
}

export function renderIamPolicyJson(kind: IamPolicyKind, options: { exec?: boolean } = {}): string {
  return `${JSON.stringify(iamPolicy(kind, options), null, 2)}\n`;
}
