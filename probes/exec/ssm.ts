// RemoteExec over SSM Run Command: SendCommand with AWS-RunShellScript, then GetCommandInvocation polled
// with backoff until the invocation reaches a final status or the run's time is up.

import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  type GetCommandInvocationResult,
  SendCommandCommand,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm';
import { defaults } from '../../config/defaults.ts';
import { pollUntil } from '../poller.ts';
import {
  boundOutput,
  checkRunOptions,
  ExecError,
  type ExecErrorKind,
  type ExecResult,
  type ExecTarget,
  type RemoteExec,
  type RunOptions,
} from './transport.ts';

/** Each unset one takes its ssmExec default in config/defaults.ts. */
export interface SsmPollOptions {
  /** Wait before the first GetCommandInvocation. */
  initialDelayMs?: number;
  /** Longest wait between polls. */
  maxDelayMs?: number;
  /** Growth of the wait after each poll. */
  factor?: number;
  /** Hard cap on GetCommandInvocation calls per run, whatever the time left. */
  maxPolls?: number;
  /**
   * How many InvocationDoesNotExist answers are taken as "not registered yet" before giving up.
   * SSM answers that for a moment right after SendCommand.
   */
  maxInvocationNotFound?: number;
}

export interface SsmExecOptions {
  /**
   * The SSM client, or how to make one. A client passed in stays the caller's (close() leaves it open);
   * one made here from a factory or a config (region, credentials provider, optional endpoint) is
   * destroyed by close().
   */
  client: SSMClient | (() => SSMClient) | SSMClientConfig;
  poll?: SsmPollOptions;
  /** Ask SSM to cancel a command whose run timed out here; default true. Failures to cancel are ignored. */
  cancelOnTimeout?: boolean;
  /** Shown in the SSM console's command history. */
  comment?: string;
}

const DOCUMENT_NAME = 'AWS-RunShellScript';
/** SendCommand's delivery timeout has a floor of 30 s. */
const MIN_DELIVERY_TIMEOUT_S = 30;
/** AWS-RunShellScript's executionTimeout parameter accepts 1..172800 seconds. */
const MAX_EXECUTION_TIMEOUT_S = 172_800;
const MAX_ERROR_TEXT = 300;

const STILL_RUNNING = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);

/** Reads the fields an SDK or Node error may carry, without trusting its shape. */
function errorFacts(error: unknown): { name: string; message: string; code: string | undefined } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message.slice(0, MAX_ERROR_TEXT),
      code: typeof code === 'string' ? code : undefined,
    };
  }
  return { name: 'Error', message: String(error).slice(0, MAX_ERROR_TEXT), code: undefined };
}

const AUTH_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH']);

function toExecError(error: unknown, call: string, target: ExecTarget): ExecError {
  if (error instanceof ExecError) return error;
  const { name, message, code } = errorFacts(error);
  let kind: ExecErrorKind = 'transport';
  let hint = '';
  if (name === 'InvalidInstanceId') {
    kind = 'target';
    hint = ' (the instance is not running, not in this region, or its SSM agent is not registered)';
  } else if (AUTH_ERRORS.has(name)) {
    kind = 'auth';
    hint = ' (check the AWS credentials and that they allow ssm:SendCommand and ssm:GetCommandInvocation)';
  } else if (name === 'AbortError' || name === 'TimeoutError') {
    kind = 'timeout';
  } else if (code !== undefined && CONNECT_CODES.has(code)) {
    kind = 'connect';
  }
  return new ExecError(kind, `SSM ${call} for ${target.instanceId} failed: ${name}: ${message}${hint}`, {
    cause: error,
  });
}

function resolveClient(source: SsmExecOptions['client']): { client: SSMClient; owned: boolean } {
  if (source instanceof SSMClient) return { client: source, owned: false };
  if (typeof source === 'function') return { client: source(), owned: true };
  return { client: new SSMClient(source), owned: true };
}

function resultOf(invocation: GetCommandInvocationResult, durationMs: number): ExecResult {
  return {
    stdout: boundOutput(invocation.StandardOutputContent ?? ''),
    stderr: boundOutput(invocation.StandardErrorContent ?? ''),
    exitCode: invocation.ResponseCode ?? -1,
    status: invocation.Status ?? 'Failed',
    durationMs,
  };
}

export function createSsmExec(options: SsmExecOptions): RemoteExec {
  const { client, owned } = resolveClient(options.client);
  const ssmDefaults = defaults.ssmExec;
  const initialDelayMs = options.poll?.initialDelayMs ?? ssmDefaults.firstPollDelayMs;
  const maxDelayMs = options.poll?.maxDelayMs ?? ssmDefaults.maxPollDelayMs;
  const factor = options.poll?.factor ?? ssmDefaults.pollDelayFactor;
  const maxPolls = options.poll?.maxPolls ?? ssmDefaults.maxPolls;
  const maxNotFound = options.poll?.maxInvocationNotFound ?? ssmDefaults.maxInvocationNotFound;
  const cancelOnTimeout = options.cancelOnTimeout ?? true;
  let closed = false;

  async function cancel(commandId: string, target: ExecTarget): Promise<void> {
    try {
      await client.send(
        new CancelCommandCommand({ CommandId: commandId, InstanceIds: [target.instanceId] }),
        {
          abortSignal: AbortSignal.timeout(defaults.ssmExec.cancelTimeoutMs),
        },
      );
    } catch {
      // Best effort: the run has already failed with a timeout, which is what the caller needs to know.
    }
  }

  async function run(target: ExecTarget, command: string, runOptions: RunOptions): Promise<ExecResult> {
    if (closed) throw new ExecError('closed', 'the SSM transport is closed');
    checkRunOptions(runOptions);
    if (!/^(i|mi)-[0-9a-zA-Z]+$/.test(target.instanceId)) {
      throw new ExecError('config', `not an instance id: ${JSON.stringify(target.instanceId.slice(0, 80))}`);
    }
    const started = performance.now();
    const deadline = started + runOptions.timeoutMs;
    const remaining = (): number => deadline - performance.now();
    // Each call ends at the run's deadline, or when the check is cancelled.
    const callSignal = (): AbortSignal =>
      AbortSignal.any([
        AbortSignal.timeout(Math.max(1, Math.ceil(remaining()))),
        ...(runOptions.signal ? [runOptions.signal] : []),
      ]);
    const cancelled = (): ExecError =>
      new ExecError('cancelled', `the command on ${target.instanceId} was cancelled`);
    if (runOptions.signal?.aborted) throw cancelled();
    const executionTimeoutS = Math.min(
      MAX_EXECUTION_TIMEOUT_S,
      Math.max(1, Math.ceil(runOptions.timeoutMs / 1000)),
    );

    let commandId: string | undefined;
    try {
      const sent = await client.send(
        new SendCommandCommand({
          DocumentName: DOCUMENT_NAME,
          InstanceIds: [target.instanceId],
          Parameters: { commands: [command], executionTimeout: [String(executionTimeoutS)] },
          TimeoutSeconds: Math.max(MIN_DELIVERY_TIMEOUT_S, executionTimeoutS),
          ...(options.comment === undefined ? {} : { Comment: options.comment.slice(0, 100) }),
        }),
        { abortSignal: callSignal() },
      );
      commandId = sent.Command?.CommandId;
    } catch (error) {
      if (runOptions.signal?.aborted) throw cancelled();
      throw toExecError(error, 'SendCommand', target);
    }
    if (typeof commandId !== 'string' || commandId.length === 0 || commandId.length > 64) {
      throw new ExecError(
        'transport',
        `SSM SendCommand for ${target.instanceId} returned no usable CommandId`,
      );
    }

    let notFound = 0;
    let lastStatus = 'not yet registered';
    const id = commandId;
    // One look at the invocation: still running, ended, or the call ran out of the run's time.
    const look = async (): Promise<
      | { state: 'running' }
      | { state: 'ended'; invocation: GetCommandInvocationResult }
      | { state: 'out-of-time' }
    > => {
      try {
        const invocation = await client.send(
          new GetCommandInvocationCommand({ CommandId: id, InstanceId: target.instanceId }),
          { abortSignal: callSignal() },
        );
        lastStatus = invocation.Status ?? 'unknown';
        return STILL_RUNNING.has(lastStatus) ? { state: 'running' } : { state: 'ended', invocation };
      } catch (error) {
        if (runOptions.signal?.aborted) {
          await cancel(id, target);
          throw cancelled();
        }
        if (errorFacts(error).name === 'InvocationDoesNotExist') {
          notFound += 1;
          if (notFound > maxNotFound) {
            throw new ExecError(
              'target',
              `SSM never registered command ${id} on ${target.instanceId} ` +
                `(InvocationDoesNotExist ${notFound} times)`,
            );
          }
          return { state: 'running' };
        }
        const execError = toExecError(error, 'GetCommandInvocation', target);
        if (execError.kind === 'timeout') return { state: 'out-of-time' };
        throw execError;
      }
    };
    // A command just sent is never done at once: the first look waits, and the gaps grow to maxDelayMs.
    const outcome = await pollUntil(look, (result) => result.state !== 'running', {
      everyMs: initialDelayMs,
      firstLookAfterMs: initialDelayMs,
      growth: { factor, maxEveryMs: maxDelayMs },
      maxPolls,
      maxDurationMs: Math.max(0, remaining()),
      ...(runOptions.signal ? { signal: runOptions.signal } : {}),
    });
    if (outcome.end === 'aborted') {
      await cancel(id, target);
      throw cancelled();
    }
    if (outcome.last?.state === 'ended') {
      const { invocation } = outcome.last;
      const status = invocation.Status ?? 'unknown';
      const durationMs = performance.now() - started;
      const details = (invocation.StatusDetails ?? status).slice(0, 100);
      switch (status) {
        case 'Success':
          return resultOf(invocation, durationMs);
        case 'Failed':
          if ((invocation.ResponseCode ?? -1) < 0) {
            throw new ExecError(
              'target',
              `SSM could not run the command on ${target.instanceId}: ${details} (no exit code)`,
            );
          }
          return resultOf(invocation, durationMs);
        case 'TimedOut':
          throw new ExecError(
            'timeout',
            `SSM reports the command on ${target.instanceId} timed out: ${details}`,
          );
        case 'Cancelled':
          throw new ExecError('cancelled', `SSM reports the command on ${target.instanceId} was cancelled`);
        default:
          throw new ExecError(
            'transport',
            `SSM returned an unknown invocation status for ${target.instanceId}: ${status.slice(0, 40)}`,
          );
      }
    }

    if (cancelOnTimeout) await cancel(commandId, target);
    const limit = outcome.end === 'max-polls' ? `${maxPolls} polls` : `${runOptions.timeoutMs} ms`;
    throw new ExecError(
      'timeout',
      `no result from ${target.instanceId} within ${limit} (SSM command ${commandId}, last status: ${lastStatus})`,
    );
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    if (owned) client.destroy();
  }

  return { run, close };
}
