import { knownHostsFileFor } from '../../config/stackPaths.ts';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Stack } from '../../config/schema.ts';
import { EC2Client } from '@aws-sdk/client-ec2';
import { type AwsClientOverrides, awsClientConfig, stackSigning } from '../aws/awsClients.ts';
import { bastionSshAddress, parseBastion } from '../aws/bastionHost.ts';
import { formatHostPort } from '../hostPort.ts';
import { createSshExec } from './ssh.ts';
import { fingerprintsFromKnownHosts, type HostKeyPolicy } from './sshHostKeys.ts';
import { createSsmExec } from './ssm.ts';
import { ExecError, type RemoteExec } from './transport.ts';

export interface ExecForStackOptions {
  /** --accept-new-host-key: trust a host key not pinned yet, once, and record it in the known_hosts file. */
  acceptNewHostKey?: boolean;
  /** The known_hosts file, resolved in the user's directory (exec.knownHosts, else .labdrill/known_hosts). */
  knownHostsFile?: string;
  /**
   * What the run's other AWS clients sign with (AwsClients.signing), so that SSM runs the commands as the
   * same role session; without it, the stack's own (its aws.roleArn assumed here).
   */
  signing?: AwsClientOverrides;
}

/**
 * The host keys a stack file trusts (OpenSSH's host-key pinning): exec.hostKeys and the keys in the
 * known_hosts file. Any other key is refused, with its fingerprint, unless --accept-new-host-key.
 */
export function hostKeyPolicyFor(stack: Stack, options: ExecForStackOptions = {}): HostKeyPolicy {
  const exec = stack.exec;
  const listed = exec?.via === 'ssh' ? (exec.hostKeys ?? []) : [];
  const file = options.knownHostsFile ?? knownHostsFileFor(stack);
  let fromFile: string[] = [];
  if (existsSync(file)) {
    try {
      fromFile = fingerprintsFromKnownHosts(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ExecError('config', `cannot read exec.knownHosts ${file}: ${(error as Error).message}`);
    }
  }
  const fingerprints = [...new Set([...listed, ...fromFile])];
  if (!options.acceptNewHostKey) return { mode: 'allowlist', fingerprints };
  return {
    mode: 'accept-new',
    fingerprints,
    record: (line) => {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${line}\n`, { mode: 0o600 });
    },
  };
}

/**
 * SSH through a bastion named by its Name tag or instance id: its address is read from EC2 on the first
 * command, and a failed read is that command's error (and the next command's, which reads again).
 */
function sshThroughNamedBastion(
  stack: Stack,
  signing: AwsClientOverrides,
  bastion: string,
  connect: (address: string) => RemoteExec,
): RemoteExec {
  let transport: Promise<RemoteExec> | null = null;
  let closed = false;
  const open = async (): Promise<RemoteExec> => {
    const ec2 = new EC2Client(awsClientConfig(stack, 'ec2', signing));
    try {
      const { host, port } = await bastionSshAddress(ec2, bastion);
      return connect(formatHostPort(host, port));
    } catch (error) {
      throw new ExecError('config', `cannot find the bastion: ${(error as Error).message}`, { cause: error });
    } finally {
      ec2.destroy();
    }
  };
  return {
    async run(target, command, options) {
      if (closed) throw new ExecError('closed', 'the SSH transport is closed');
      if (transport === null) {
        const opening = open();
        transport = opening;
        opening.catch(() => {
          if (transport === opening) transport = null;
        });
      }
      return (await transport).run(target, command, options);
    },
    async close() {
      closed = true;
      await (await transport?.catch(() => null))?.close();
    },
  };
}

/** The remote-exec transport the stack file asks for (exec.via), or null when it names none. */
export function execForStack(stack: Stack, options: ExecForStackOptions = {}): RemoteExec | null {
  const exec = stack.exec;
  if (!exec) return null;
  // A graded student's commands run as that student's role, like every other call of the run.
  const signing = options.signing ?? stackSigning(stack);
  if (exec.via === 'ssm') {
    const client = awsClientConfig(stack, 'ssm', signing);
    return createSsmExec({ client, comment: 'labdrill efs.shared canary' });
  }
  const bastion = stack.ec2?.bastion;
  // The schema requires ec2.bastion with exec via ssh; a stack built in code may still lack it.
  if (bastion === undefined)
    throw new ExecError('config', 'exec via ssh needs ec2.bastion, the host SSH goes through');
  const connect = (address: string) =>
    createSshExec({
      bastion: address,
      user: exec.user,
      ...(exec.key ? { privateKeyPath: exec.key } : {}),
      hostKeys: hostKeyPolicyFor(stack, options),
    });
  return parseBastion(bastion).kind === 'address'
    ? connect(bastion)
    : sshThroughNamedBastion(stack, signing, bastion, connect);
}
