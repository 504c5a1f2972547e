// Read-only S3 bucket configuration: policy text, Block Public Access and website configuration.

import {
  type Bucket,
  GetBucketPolicyCommand,
  GetBucketWebsiteCommand,
  type GetBucketWebsiteCommandOutput,
  GetPublicAccessBlockCommand,
  type PublicAccessBlockConfiguration,
  paginateListBuckets,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AwsProbeError, awsCall, awsPaged } from './awsCall.ts';

function isCode(error: unknown, code: string): boolean {
  return error instanceof AwsProbeError && error.code === code;
}

/** The bucket policy exactly as stored (byte-identical text), or null when the bucket has none. */
export async function getBucketPolicy(s3: S3Client, bucket: string): Promise<string | null> {
  try {
    const output = await awsCall(s3, new GetBucketPolicyCommand({ Bucket: bucket }), {
      subject: `S3 bucket '${bucket}'`,
    });
    return output.Policy ?? null;
  } catch (error) {
    if (isCode(error, 'NoSuchBucketPolicy')) return null;
    throw error;
  }
}

/** The bucket's Block Public Access settings, or null when none are set on the bucket. */
export async function getPublicAccessBlock(
  s3: S3Client,
  bucket: string,
): Promise<PublicAccessBlockConfiguration | null> {
  try {
    const output = await awsCall(s3, new GetPublicAccessBlockCommand({ Bucket: bucket }), {
      subject: `S3 bucket '${bucket}'`,
    });
    return output.PublicAccessBlockConfiguration ?? null;
  } catch (error) {
    if (isCode(error, 'NoSuchPublicAccessBlockConfiguration')) return null;
    throw error;
  }
}

export type BucketWebsite = Pick<
  GetBucketWebsiteCommandOutput,
  'IndexDocument' | 'ErrorDocument' | 'RedirectAllRequestsTo' | 'RoutingRules'
>;

/** The bucket's static website configuration, or null when website hosting is off. */
export async function getBucketWebsite(s3: S3Client, bucket: string): Promise<BucketWebsite | null> {
  try {
    const output = await awsCall(s3, new GetBucketWebsiteCommand({ Bucket: bucket }), {
      subject: `S3 bucket '${bucket}'`,
    });
    return {
      IndexDocument: output.IndexDocument,
      ErrorDocument: output.ErrorDocument,
      RedirectAllRequestsTo: output.RedirectAllRequestsTo,
      RoutingRules: output.RoutingRules,
    };
  } catch (error) {
    if (isCode(error, 'NoSuchWebsiteConfiguration')) return null;
    throw error;
  }
}

/** The account's buckets in one region (S3 filters by BucketRegion itself). IAM: s3:ListAllMyBuckets. */
export function listBuckets(s3: S3Client, region: string): Promise<Bucket[]> {
  return awsPaged(s3, paginateListBuckets, { BucketRegion: region }, (page) => page.Buckets, {
    pageSize: 1000,
  });
}
