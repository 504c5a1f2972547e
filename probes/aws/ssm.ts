// Read-only Systems Manager: which instances have a registered SSM agent (so that Run Command can reach
// them). Sending commands is probes/exec/ssm.ts's business.

import {
  type InstanceInformation,
  paginateDescribeInstanceInformation,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { awsPaged } from './awsCall.ts';

/** SSM's record of these instances; an instance without a registered agent is simply absent. */
export async function describeInstanceInformation(
  ssm: SSMClient,
  instanceIds: readonly string[],
): Promise<InstanceInformation[]> {
  const found: InstanceInformation[] = [];
  // The InstanceIds filter takes at most 50 values.
  for (let start = 0; start < instanceIds.length; start += 50) {
    const ids = instanceIds.slice(start, start + 50);
    found.push(
      ...(await awsPaged(
        ssm,
        paginateDescribeInstanceInformation,
        { Filters: [{ Key: 'InstanceIds', Values: ids }] },
        (page) => page.InstanceInformationList,
        { pageSize: 50 },
      )),
    );
  }
  return found;
}
