// Who the credentials belong to: drills compare the account with aws.expectAccount before changing anything.

import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall } from './awsCall.ts';

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export async function getCallerIdentity(sts: STSClient): Promise<CallerIdentity> {
  const output = await awsCall(sts, new GetCallerIdentityCommand({}));
  return { account: output.Account ?? '', arn: output.Arn ?? '', userId: output.UserId ?? '' };
}
