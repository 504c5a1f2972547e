import type { Stack } from '../../config/schema.ts';
import { awsClientConfig } from '../aws/awsClients.ts';
import { createSshExec } from './ssh.ts';
import { createSsmExec } from './ssm.ts';
import type { RemoteExec } from './transport.ts';

/** The remote-exec transport the stack file asks for (exec.via), or null when it names none. */
export function execForStack(stack: Stack): RemoteExec | null {
  const exec = stack.exec;
  if (!exec) return null;
  if (exec.via === 'ssm')
    return createSsmExec({ client: awsClientConfig(stack, 'ssm'), comment: 'labdrill efs.shared canary' });
  return createSshExec({
    bastion: exec.bastion,
    user: exec.user,
    ...(exec.key ? { privateKeyPath: exec.key } : {}),
  });
}
