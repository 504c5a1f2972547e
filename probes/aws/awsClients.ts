// Builds the SDK v3 clients for one stack: region, profile, per-service endpoint, per-call timeout and
// the single retry policy (the SDK's standard strategy: throttling, transient and 5xx errors retried with
// jittered exponential backoff). Nothing else in labdrill retries AWS calls.

import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { defaults } from '../../config/defaults.ts';
import type { Stack } from '../../config/schema.ts';
import { assumedRoleCredentials } from './assumedRole.ts';

/** The services whose endpoint the stack file may set, with the other spellings accepted for each. */
const endpointKeys = {
  ec2: ['ec2'],
  elasticloadbalancing: ['elasticloadbalancing', 'elbv2', 'elastic-load-balancing-v2'],
  autoscaling: ['autoscaling', 'auto-scaling'],
  cloudwatch: ['cloudwatch', 'monitoring'],
  rds: ['rds'],
  s3: ['s3'],
  cloudfront: ['cloudfront'],
  efs: ['efs', 'elasticfilesystem'],
  sts: ['sts'],
  ssm: ['ssm'],
} as const;

export type AwsServiceKey = keyof typeof endpointKeys;

/** SDK endpoint variable suffix per service: `AWS_ENDPOINT_URL_<SUFFIX>`. */
const endpointEnvSuffix: Readonly<Record<AwsServiceKey, string>> = {
  ec2: 'EC2',
  elasticloadbalancing: 'ELASTIC_LOAD_BALANCING_V2',
  autoscaling: 'AUTO_SCALING',
  cloudwatch: 'CLOUDWATCH',
  rds: 'RDS',
  s3: 'S3',
  cloudfront: 'CLOUDFRONT',
  efs: 'EFS',
  sts: 'STS',
  ssm: 'SSM',
};

export interface AwsClientOverrides {
  /** Credentials to use instead of the profile / standard chain (e.g. fixed keys for the twin). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The configuration every client of the stack shares, plus the service's endpoint when set. */
export interface AwsClientConfig {
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: { requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: true };
  forcePathStyle?: boolean;
}

/** The endpoint URL the stack file sets for a service, under any accepted spelling; rejects unknown keys. */
export function stackEndpointFor(stack: Stack, service: AwsServiceKey): string | undefined {
  const endpoints = stack.aws?.endpoints ?? {};
  const known = new Set<string>(Object.values(endpointKeys).flat());
  for (const key of Object.keys(endpoints)) {
    if (!known.has(key)) {
      throw new Error(
        `aws.endpoints.${key}: unknown service; use one of ${Object.keys(endpointKeys).join(', ')}`,
      );
    }
  }
  for (const key of endpointKeys[service]) {
    const url = endpoints[key];
    if (url) return url;
  }
  return undefined;
}

/** Whether the SDK itself will take an endpoint for the service from the environment. */
function environmentSetsEndpoint(service: AwsServiceKey): boolean {
  if (process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return false;
  return Boolean(
    process.env[`AWS_ENDPOINT_URL_${endpointEnvSuffix[service]}`] || process.env.AWS_ENDPOINT_URL,
  );
}

export function awsClientConfig(
  stack: Stack,
  service: AwsServiceKey,
  overrides: AwsClientOverrides = {},
): AwsClientConfig {
  const timeoutMs = stack.aws?.timeoutMs ?? defaults.aws.timeoutMs;
  const endpoint = stackEndpointFor(stack, service);
  return {
    ...(stack.region ? { region: stack.region } : {}),
    ...(stack.aws?.profile && !overrides.credentials ? { profile: stack.aws.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
    maxAttempts: stack.aws?.maxAttempts ?? defaults.aws.maxAttempts,
    retryMode: 'standard',
    // Without throwOnRequestTimeout the SDK only logs a warning when requestTimeout passes.
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
    // A custom endpoint (a local twin, a proxy) has no per-bucket DNS names.
    ...(service === 's3' && (endpoint || environmentSetsEndpoint('s3')) ? { forcePathStyle: true } : {}),
  };
}

export interface AwsClients {
  ec2: EC2Client;
  elbv2: ElasticLoadBalancingV2Client;
  autoScaling: AutoScalingClient;
  cloudWatch: CloudWatchClient;
  rds: RDSClient;
  s3: S3Client;
  cloudFront: CloudFrontClient;
  efs: EFSClient;
  sts: STSClient;
  /**
   * What every client of the set signs with, for a client made beside it (SSM's, in probes/exec): the same
   * role session, not a second one, and never the base credentials when the stack names a role.
   */
  readonly signing: AwsClientOverrides;
  /** Closes every client's sockets. */
  destroy(): void;
}

/**
 * What a stack's clients sign with: the caller's credentials when given; else, with aws.roleArn, the role's
 * (assumed with the profile's or the default chain's, renewed as they expire); else the profile or chain.
 */
export function stackSigning(stack: Stack, overrides: AwsClientOverrides = {}): AwsClientOverrides {
  const roleArn = stack.aws?.roleArn;
  return roleArn && !overrides.credentials
    ? { credentials: assumedRoleCredentials(roleArn, awsClientConfig(stack, 'sts', overrides)) }
    : overrides;
}

/** One client per service, all configured from the stack file. Call destroy() when done. */
export function createAwsClients(stack: Stack, overrides: AwsClientOverrides = {}): AwsClients {
  // With a role to assume, every client signs with the role's credentials, got once with the base ones.
  const signing = stackSigning(stack, overrides);
  const config = (service: AwsServiceKey) => awsClientConfig(stack, service, signing);
  const clients = {
    ec2: new EC2Client(config('ec2')),
    elbv2: new ElasticLoadBalancingV2Client(config('elasticloadbalancing')),
    autoScaling: new AutoScalingClient(config('autoscaling')),
    cloudWatch: new CloudWatchClient(config('cloudwatch')),
    rds: new RDSClient(config('rds')),
    s3: new S3Client(config('s3')),
    cloudFront: new CloudFrontClient(config('cloudfront')),
    efs: new EFSClient(config('efs')),
    sts: new STSClient(config('sts')),
  };
  return {
    ...clients,
    signing,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}
