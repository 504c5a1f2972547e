// The one interface every way of running a command on an instance implements (SSM Run Command, SSH
// through the bastion), and the error it throws when a command could not be run to completion.

/** Where a command runs. */
export interface ExecTarget {
  /** EC2 instance id (SSM addresses instances by it; SSH uses it in messages). */
  instanceId: string;
  /** Private IP, needed by SSH through the bastion. */
  privateIp?: string;
  /** SSH port on the target; 22 when omitted. */
  sshPort?: number;
}

/** A command that ran to completion, whatever its exit code. */
export interface ExecResult {
  /** At most OUTPUT_LIMIT_CHARS characters, like SSM's StandardOutputContent. */
  stdout: string;
  /** At most OUTPUT_LIMIT_CHARS characters. */
  stderr: string;
  /** The command's exit code; -1 when it ended without one (killed by a signal). */
  exitCode: number;
  /** SSM's invocation status (Success, Failed, …); the SSH transport reports Success or Failed likewise. */
  status: string;
  /** Wall time from sending the command to having its result. */
  durationMs: number;
}

export interface RunOptions {
  /** Upper bound on the whole run: connecting, delivering, running and collecting the output. */
  timeoutMs: number;
  /** The check's abort signal (its budget, Ctrl-C): the run ends as 'cancelled' when it fires. */
  signal?: AbortSignal;
}

export interface RemoteExec {
  /** Runs one command; resolves with its result or rejects with an ExecError. */
  run(target: ExecTarget, command: string, options: RunOptions): Promise<ExecResult>;
  /** Releases connections and clients. The transport cannot be used afterwards. */
  close(): Promise<void>;
}

/**
 * Why a command could not be run to completion:
 * - config: the transport was given something unusable (no key, bad key file, no private IP, …)
 * - connect: the bastion/target/endpoint could not be reached
 * - auth: credentials or keys were refused
 * - host-key: a host presented a key that is not trusted
 * - target: the instance cannot take commands (unknown id, not managed by SSM, undeliverable)
 * - timeout: the command or a step before it did not finish in time
 * - cancelled: the command was cancelled on the remote side
 * - transport: anything else the transport reported (protocol errors, dropped connections)
 * - closed: the transport was closed
 */
export type ExecErrorKind =
  'config' | 'connect' | 'auth' | 'host-key' | 'target' | 'timeout' | 'cancelled' | 'transport' | 'closed';

export class ExecError extends Error {
  override readonly name = 'ExecError';
  readonly kind: ExecErrorKind;

  constructor(kind: ExecErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** SSM keeps the first 24,000 characters of stdout; both transports bound output the same way. */
export const OUTPUT_LIMIT_CHARS = 24_000;

/** Cuts text coming back from a remote host to a bounded size. */
export function boundOutput(text: string, limitChars: number = OUTPUT_LIMIT_CHARS): string {
  return text.length <= limitChars ? text : text.slice(0, limitChars);
}

export function checkRunOptions(options: RunOptions): void {
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new ExecError('config', `timeoutMs must be a positive number, got ${String(options.timeoutMs)}`);
  }
}
