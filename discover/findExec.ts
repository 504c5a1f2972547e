import { AwsProbeError } from '../probes/aws/awsCall.ts';
import { describeInstanceInformation } from '../probes/aws/ssm.ts';
import type { Stack } from '../config/schema.ts';
import { listNames } from './chooseCandidate.ts';
import type { DiscoveryContext } from './discoveryContext.ts';

// How labdrill can run commands on the app instances: SSM Run Command when every one of them has an
// SSM agent that is online; otherwise the user chooses (SSH through the bastion), and a note says so.

const sshExample =
  'exec: { via: ssh, user: ec2-user, key: ~/.ssh/lab-key.pem } with ec2: { bastion: BASTION-NAME-OR-IP }';

export async function findExec(
  context: DiscoveryContext,
  appInstanceIds: readonly string[],
): Promise<Stack['exec'] | undefined> {
  const note = (text: string) => context.notes.push({ section: 'exec', field: 'exec', text });
  if (appInstanceIds.length === 0) {
    note(`exec: no app instances found, so SSM was not asked — set exec: { via: ssm } or\n  ${sshExample}`);
    return undefined;
  }
  let online: Set<string>;
  try {
    const records = await describeInstanceInformation(context.ssm, appInstanceIds);
    online = new Set(records.filter((r) => r.PingStatus === 'Online').map((r) => r.InstanceId ?? ''));
  } catch (error) {
    // Missing permission stops discovery like any other read; an endpoint that does not offer the call
    // only leaves this one question open.
    if (!(error instanceof AwsProbeError) || error.kind === 'access-denied') throw error;
    note(
      `exec: could not tell whether the app instances are SSM-managed (${error.message});\nset exec: { via: ssm } if they are, or\n  ${sshExample}`,
    );
    return undefined;
  }
  const missing = appInstanceIds.filter((id) => !online.has(id));
  if (missing.length === 0) return { via: 'ssm' };
  note(
    `exec: ${missing.length} of ${appInstanceIds.length} app instances have no online SSM agent (${listNames(missing)}); efs.shared needs every one — attach AmazonSSMManagedInstanceCore to their role, or set\n  ${sshExample}`,
  );
  return undefined;
}
