// Read-only CloudFront: one distribution with its configuration and deployment status.

import {
  type CloudFrontClient,
  type Distribution,
  type DistributionSummary,
  GetDistributionCommand,
  paginateListDistributions,
} from '@aws-sdk/client-cloudfront';
import { AwsProbeError, awsCall, awsPaged } from './awsCall.ts';

/** The distribution with this id; not-found AwsProbeError when there is none. */
export async function getDistribution(cloudFront: CloudFrontClient, id: string): Promise<Distribution> {
  const subject = `CloudFront distribution '${id}'`;
  const output = await awsCall(cloudFront, new GetDistributionCommand({ Id: id }), { subject });
  if (!output.Distribution)
    throw new AwsProbeError('not-found', 'cloudfront:GetDistribution', `${subject} not found`, undefined);
  return output.Distribution;
}

/** Every distribution of the account (CloudFront is global), with origins and status. */
export function listDistributions(cloudFront: CloudFrontClient): Promise<DistributionSummary[]> {
  return awsPaged(cloudFront, paginateListDistributions, {}, (page) => page.DistributionList?.Items, {
    pageSize: 100,
  });
}
