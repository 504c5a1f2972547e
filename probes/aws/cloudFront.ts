// Read-only CloudFront: one distribution with its configuration and deployment status.

import { type CloudFrontClient, type Distribution, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { AwsProbeError, awsCall } from './awsCall.ts';

/** The distribution with this id; not-found AwsProbeError when there is none. */
export async function getDistribution(cloudFront: CloudFrontClient, id: string): Promise<Distribution> {
  const subject = `CloudFront distribution '${id}'`;
  const output = await awsCall(cloudFront, new GetDistributionCommand({ Id: id }), { subject });
  if (!output.Distribution)
    throw new AwsProbeError('not-found', 'cloudfront:GetDistribution', `${subject} not found`, undefined);
  return output.Distribution;
}
