// Which IAM action an SDK command needs. Most are `<prefix>:<Operation>`; the exceptions below are the
// operations whose IAM action has another name (S3 mostly) or that need no permission at all.

/** IAM action prefix per SDK serviceId (the client's `config.serviceId`). */
export const iamPrefixByServiceId: Readonly<Record<string, string>> = {
  EC2: 'ec2',
  'Elastic Load Balancing v2': 'elasticloadbalancing',
  'Auto Scaling': 'autoscaling',
  CloudWatch: 'cloudwatch',
  RDS: 'rds',
  S3: 's3',
  CloudFront: 'cloudfront',
  EFS: 'elasticfilesystem',
  STS: 'sts',
  SSM: 'ssm',
};

/** `prefix:Operation` → the IAM action(s) it needs, where they differ; an empty list means none. */
const actionExceptions: Readonly<Record<string, readonly string[]>> = {
  's3:GetPublicAccessBlock': ['s3:GetBucketPublicAccessBlock'],
  's3:PutPublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:DeletePublicAccessBlock': ['s3:PutBucketPublicAccessBlock'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListObjects': ['s3:ListBucket'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:HeadObject': ['s3:GetObject'],
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  // Needs no permission: it answers even when every other call is denied.
  'sts:GetCallerIdentity': [],
  // The file system's security groups are read from the mount target's network interface.
  'elasticfilesystem:DescribeMountTargetSecurityGroups': [
    'elasticfilesystem:DescribeMountTargetSecurityGroups',
    'ec2:DescribeNetworkInterfaceAttribute',
  ],
};

/** The operation name of an SDK command class name: `DescribeSubnetsCommand` → `DescribeSubnets`. */
export function operationOfCommand(commandName: string): string {
  return commandName.endsWith('Command') ? commandName.slice(0, -'Command'.length) : commandName;
}

/**
 * The IAM actions that one SDK operation needs, e.g. (`S3`, `GetPublicAccessBlockCommand`) →
 * [`s3:GetBucketPublicAccessBlock`]. Throws for a service labdrill does not know.
 */
export function iamActionsFor(serviceId: string, commandName: string): readonly string[] {
  const prefix = iamPrefixByServiceId[serviceId];
  if (!prefix) throw new Error(`no IAM prefix known for AWS service '${serviceId}'`);
  const plain = `${prefix}:${operationOfCommand(commandName)}`;
  return actionExceptions[plain] ?? [plain];
}

/** How a call is named in messages: the IAM action, or `sts:GetCallerIdentity` for the free ones. */
export function actionLabel(serviceId: string, commandName: string): string {
  const actions = iamActionsFor(serviceId, commandName);
  return actions[0] ?? `${iamPrefixByServiceId[serviceId]}:${operationOfCommand(commandName)}`;
}
