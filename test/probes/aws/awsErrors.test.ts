import { AccessDenied as CloudFrontAccessDenied, NoSuchDistribution } from '@aws-sdk/client-cloudfront';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { FileSystemNotFound } from '@aws-sdk/client-efs';
import { LoadBalancerNotFoundException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DBInstanceNotFoundFault } from '@aws-sdk/client-rds';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { AwsProbeError, toAwsProbeError } from '../../../probes/aws/awsCall.ts';
import { actionLabel, iamActionsFor } from '../../../probes/aws/iamActions.ts';

const metadata = { httpStatusCode: 400, requestId: 'req-1' };

describe('toAwsProbeError', () => {
  it('names the missing permission for EC2 UnauthorizedOperation', () => {
    const sdkError = new EC2ServiceException({
      name: 'UnauthorizedOperation',
      $fault: 'client',
      $metadata: { ...metadata, httpStatusCode: 403 },
      message: 'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/kim',
    });
    const error = toAwsProbeError(sdkError, 'ec2:DescribeSubnets');
    expect(error).toBeInstanceOf(AwsProbeError);
    expect(error.kind).toBe('access-denied');
    expect(error.message).toBe('missing IAM permission ec2:DescribeSubnets (UnauthorizedOperation)');
    expect(error.cause).toBe(sdkError);
  });

  it('maps the modeled CloudFront AccessDenied', () => {
    const error = toAwsProbeError(
      new CloudFrontAccessDenied({ $metadata: { httpStatusCode: 403 }, message: 'Access denied' }),
      'cloudfront:GetDistribution',
    );
    expect(error.kind).toBe('access-denied');
    expect(error.message).toBe('missing IAM permission cloudfront:GetDistribution (AccessDenied)');
  });

  it('says which resource was not found', () => {
    const rds = toAwsProbeError(
      new DBInstanceNotFoundFault({
        $metadata: { httpStatusCode: 404 },
        message: 'DBInstance lab-vpc-rds not found.',
      }),
      'rds:DescribeDBInstances',
      "RDS DB instance 'lab-vpc-rds'",
    );
    expect(rds.kind).toBe('not-found');
    expect(rds.message).toMatch(/^RDS DB instance 'lab-vpc-rds' not found/);
    for (const [sdkError, action] of [
      [
        new LoadBalancerNotFoundException({ $metadata: {}, message: 'x' }),
        'elasticloadbalancing:DescribeLoadBalancers',
      ],
      [new NoSuchDistribution({ $metadata: {}, message: 'x' }), 'cloudfront:GetDistribution'],
      [
        new FileSystemNotFound({ $metadata: {}, message: 'x', ErrorCode: 'FileSystemNotFound' }),
        'elasticfilesystem:DescribeFileSystems',
      ],
      [
        new EC2ServiceException({
          name: 'InvalidVpcID.NotFound',
          $fault: 'client',
          $metadata: metadata,
          message: "The vpc ID 'vpc-1' does not exist",
        }),
        'ec2:DescribeVpcs',
      ],
    ] as const) {
      expect(toAwsProbeError(sdkError, action).kind).toBe('not-found');
    }
  });

  it('maps throttling, timeouts and network failures', () => {
    const throttled = toAwsProbeError(
      new EC2ServiceException({
        name: 'RequestLimitExceeded',
        $fault: 'client',
        $metadata: metadata,
        message: 'Request limit exceeded.',
      }),
      'ec2:DescribeInstances',
    );
    expect(throttled.kind).toBe('throttled');
    expect(throttled.message).toContain('ec2:DescribeInstances (RequestLimitExceeded)');
    const slowDown = toAwsProbeError(
      new S3ServiceException({
        name: 'SlowDown',
        $fault: 'server',
        $metadata: { httpStatusCode: 503 },
        message: 'Please reduce your request rate.',
      }),
      's3:GetBucketPolicy',
    );
    expect(slowDown.kind).toBe('throttled');
    const timeout = toAwsProbeError(
      Object.assign(new Error('request timed out'), { name: 'TimeoutError' }),
      'rds:DescribeDBInstances',
    );
    expect(timeout.kind).toBe('timeout');
    const refused = toAwsProbeError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      'rds:DescribeDBInstances',
    );
    expect(refused.kind).toBe('network');
    expect(refused.message).toBe('cannot reach the AWS endpoint for rds:DescribeDBInstances (ECONNREFUSED)');
  });

  it('explains missing or rejected credentials', () => {
    const missing = toAwsProbeError(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'ec2:DescribeVpcs',
    );
    expect(missing.kind).toBe('access-denied');
    expect(missing.message).toContain('no AWS credentials');
    const expired = toAwsProbeError(
      new EC2ServiceException({
        name: 'AuthFailure',
        $fault: 'client',
        $metadata: metadata,
        message: 'AWS was not able to validate the provided access credentials',
      }),
      'ec2:DescribeVpcs',
    );
    expect(expired.kind).toBe('access-denied');
    expect(expired.message).toContain('rejected the credentials');
  });

  it('keeps other errors on one line without a stack trace', () => {
    const error = toAwsProbeError(
      new EC2ServiceException({
        name: 'InvalidParameterValue',
        $fault: 'client',
        $metadata: metadata,
        message: 'bad value\n    at Object.<anonymous>',
      }),
      'ec2:DescribeSubnets',
    );
    expect(error.kind).toBe('other');
    expect(error.message).toBe('ec2:DescribeSubnets failed (InvalidParameterValue): bad value');
    expect(error.message).not.toContain('\n');
  });
});

describe('IAM action of a command', () => {
  it('is the service prefix and the operation for most commands', () => {
    expect(iamActionsFor('EC2', 'DescribeSubnetsCommand')).toEqual(['ec2:DescribeSubnets']);
    expect(iamActionsFor('Elastic Load Balancing v2', 'DescribeTargetHealthCommand')).toEqual([
      'elasticloadbalancing:DescribeTargetHealth',
    ]);
    expect(iamActionsFor('Auto Scaling', 'DescribePoliciesCommand')).toEqual([
      'autoscaling:DescribePolicies',
    ]);
    expect(iamActionsFor('EFS', 'DescribeMountTargetsCommand')).toEqual([
      'elasticfilesystem:DescribeMountTargets',
    ]);
    expect(iamActionsFor('CloudWatch', 'GetMetricDataCommand')).toEqual(['cloudwatch:GetMetricData']);
  });

  it('follows IAM where the names differ', () => {
    expect(iamActionsFor('S3', 'GetPublicAccessBlockCommand')).toEqual(['s3:GetBucketPublicAccessBlock']);
    expect(iamActionsFor('S3', 'ListObjectsV2Command')).toEqual(['s3:ListBucket']);
    expect(iamActionsFor('S3', 'DeletePublicAccessBlockCommand')).toEqual(['s3:PutBucketPublicAccessBlock']);
    expect(iamActionsFor('STS', 'GetCallerIdentityCommand')).toEqual([]);
    expect(actionLabel('STS', 'GetCallerIdentityCommand')).toBe('sts:GetCallerIdentity');
    expect(iamActionsFor('EFS', 'DescribeMountTargetSecurityGroupsCommand')).toContain(
      'ec2:DescribeNetworkInterfaceAttribute',
    );
  });

  it('refuses a service it does not know', () => {
    expect(() => iamActionsFor('Lambda', 'InvokeCommand')).toThrow(/no IAM prefix/);
  });
});
