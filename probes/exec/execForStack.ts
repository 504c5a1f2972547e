import { knownHostsFileFor } from '../../config/stackPaths.ts';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Stack } from '../../config/schema.ts';
import { awsClientConfig } from '../aws/awsClients.ts';
import { createSshExec, fingerprintsFromKnownHosts, type HostKeyPolicy } from './ssh.ts';
import { createSsmExec } from './ssm.ts';
import { ExecError, type RemoteExec } from './transport.ts';

export interface ExecForStackOptions {
  /** --accept-new-host-key: trust a host key not pinned yet, once, and record it in the known_hosts file. */
  acceptNewHostKey?: boolean;
  /** The known_hosts file, resolved in the user's directory (exec.knownHosts, else .labdrill/known_hosts). */
  knownHostsFile?: string;
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

/** The remote-exec transport the stack file asks for (exec.via), or null when it names none. */
export function execForStack(stack: Stack, options: ExecForStackOptions = {}): RemoteExec | null {
  const exec = stack.exec;
  if (!exec) return null;
  if (exec.via === 'ssm')
    return createSsmExec({ client: awsClientConfig(stack, 'ssm'), comment: 'labdrill efs.shared canary' });
  return createSshExec({
    bastion: exec.bastion,
    user: exec.user,
    ...(exec.key ? { privateKeyPath: exec.key } : {}),
    hostKeys: hostKeyPolicyFor(stack, options),
  });
}
