// The SSM transport end to end: the real SSMClient against a small loopback server that speaks
// awsJson1_1 for SendCommand, GetCommandInvocation and CancelCommand, and answers commands with the
// twin's command set over a temp directory that plays EFS.

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient, type SSMClientConfig } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerCommand,
  type CommandAnswer,
  type TwinInstanceView,
} from '../../../fixtures/twin/exec/ssmCommandSet.ts';
import { readFile, removeFile, writeFile } from '../../../probes/exec/commands.ts';
import { createSsmExec } from '../../../probes/exec/ssm.ts';
import { ExecError, type RemoteExec } from '../../../probes/exec/transport.ts';

/** How an instance's invocations progress, to exercise each path of the poller. */
type Behaviour =
  | 'immediate' // final status on the first poll
  | 'not-yet' // InvocationDoesNotExist on the first poll, then final
  | 'in-progress' // Pending, then InProgress twice, then final
  | 'hang' // InProgress forever
  | 'never-registered'; // InvocationDoesNotExist forever

interface Invocation {
  instanceId: string;
  behaviour: Behaviour;
  answer: CommandAnswer;
  polls: number;
}

const mount = '/var/www/html/efs';
let root: string;
let server: Server;
let endpoint: string;
const invocations = new Map<string, Invocation>();
const sendBodies: Record<string, unknown>[] = [];
const cancelled: string[] = [];
const instances = new Map<string, { view: TwinInstanceView; behaviour: Behaviour }>();

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

function fault(res: ServerResponse, type: string, message: string): void {
  reply(res, 400, { __type: type, message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function invocationState(invocation: Invocation): { status: string; final: boolean } | 'not-found' {
  const poll = invocation.polls;
  invocation.polls += 1;
  switch (invocation.behaviour) {
    case 'immediate':
      return { status: invocation.answer.status, final: true };
    case 'not-yet':
      return poll === 0 ? 'not-found' : { status: invocation.answer.status, final: true };
    case 'in-progress':
      if (poll === 0) return { status: 'Pending', final: false };
      if (poll <= 2) return { status: 'InProgress', final: false };
      return { status: invocation.answer.status, final: true };
    case 'hang':
      return { status: 'InProgress', final: false };
    case 'never-registered':
      return 'not-found';
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = req.headers['x-amz-target'];
  const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
  expect(req.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(String(req.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTWINTEST\//);
  switch (target) {
    case 'AmazonSSM.SendCommand': {
      sendBodies.push(body);
      const [instanceId] = body.InstanceIds as string[];
      const instance = instances.get(instanceId!);
      if (instance === undefined) {
        fault(res, 'InvalidInstanceId', 'Instances not in a valid state for account');
        return;
      }
      const [command] = (body.Parameters as { commands: string[] }).commands;
      const commandId = randomUUID();
      invocations.set(commandId, {
        instanceId: instanceId!,
        behaviour: instance.behaviour,
        answer: answerCommand(command!, instance.view),
        polls: 0,
      });
      reply(res, 200, {
        Command: {
          CommandId: commandId,
          DocumentName: body.DocumentName,
          InstanceIds: [instanceId],
          Status: 'Pending',
        },
      });
      return;
    }
    case 'AmazonSSM.GetCommandInvocation': {
      const invocation = invocations.get(String(body.CommandId));
      if (invocation === undefined || invocation.instanceId !== body.InstanceId) {
        fault(res, 'InvocationDoesNotExist', '');
        return;
      }
      const state = invocationState(invocation);
      if (state === 'not-found') {
        fault(res, 'InvocationDoesNotExist', '');
        return;
      }
      reply(res, 200, {
        CommandId: body.CommandId,
        InstanceId: body.InstanceId,
        DocumentName: 'AWS-RunShellScript',
        PluginName: 'aws:runShellScript',
        Status: state.status,
        StatusDetails: state.status,
        ResponseCode: state.final ? invocation.answer.exitCode : -1,
        StandardOutputContent: state.final ? invocation.answer.stdout : '',
        StandardErrorContent: state.final ? invocation.answer.stderr : '',
      });
      return;
    }
    case 'AmazonSSM.CancelCommand':
      cancelled.push(String(body.CommandId));
      reply(res, 200, {});
      return;
    default:
      fault(res, 'UnknownOperationException', `no such operation: ${String(target)}`);
  }
}

function clientConfig(): SSMClientConfig {
  return {
    region: 'ap-northeast-2',
    endpoint,
    credentials: { accessKeyId: 'AKIDTWINTEST', secretAccessKey: 'twin-test-secret' },
    maxAttempts: 1,
  };
}

const fastPolls = { initialDelayMs: 10, maxDelayMs: 60, factor: 1.5 };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'labdrill-ssm-'));
  const efsDir = join(root, 'efs');
  mkdirSync(efsDir);
  const view = (instanceId: string, availabilityZone: string): TwinInstanceView => ({
    instanceId,
    availabilityZone,
    efsDir,
    efsMountPath: mount,
  });
  instances.set('i-0aaaaaaaaaaaaaaa1', {
    view: view('i-0aaaaaaaaaaaaaaa1', 'ap-northeast-2a'),
    behaviour: 'not-yet',
  });
  instances.set('i-0ccccccccccccccc1', {
    view: view('i-0ccccccccccccccc1', 'ap-northeast-2c'),
    behaviour: 'in-progress',
  });
  instances.set('i-0ccccccccccccccc2', {
    view: view('i-0ccccccccccccccc2', 'ap-northeast-2c'),
    behaviour: 'immediate',
  });
  instances.set('i-0ddddddddddddddd1', {
    view: view('i-0ddddddddddddddd1', 'ap-northeast-2a'),
    behaviour: 'hang',
  });
  instances.set('i-0eeeeeeeeeeeeeee1', {
    view: view('i-0eeeeeeeeeeeeeee1', 'ap-northeast-2a'),
    behaviour: 'never-registered',
  });

  server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) reply(res, 500, { __type: 'InternalServerError', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('SSM transport', () => {
  let exec: RemoteExec;
  beforeAll(() => {
    exec = createSsmExec({ client: clientConfig(), poll: fastPolls });
  });
  afterAll(async () => {
    await exec.close();
  });

  it('sends AWS-RunShellScript with the command, one instance and bounded timeouts', async () => {
    const command = readFile(`${mount}/none.txt`, 10);
    await exec.run({ instanceId: 'i-0ccccccccccccccc2' }, command, { timeoutMs: 5_000 });
    expect(sendBodies.at(-1)).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: ['i-0ccccccccccccccc2'],
      Parameters: { commands: [command], executionTimeout: ['5'] },
      TimeoutSeconds: 30,
    });
  });

  it('shares a canary across instances: InvocationDoesNotExist first, then Success; InProgress, then Success', async () => {
    const canary = `${mount}/labdrill-canary-${randomUUID().slice(0, 8)}.txt`;
    const content = `labdrill:${randomUUID()}`;

    const wrote = await exec.run({ instanceId: 'i-0aaaaaaaaaaaaaaa1' }, writeFile(canary, content), {
      timeoutMs: 5_000,
    });
    expect(wrote).toMatchObject({ status: 'Success', exitCode: 0, stdout: '', stderr: '' });
    const writeInvocation = [...invocations.values()].at(-1)!;
    expect(writeInvocation.behaviour).toBe('not-yet');
    expect(writeInvocation.polls).toBe(2);

    const read = await exec.run({ instanceId: 'i-0ccccccccccccccc1' }, readFile(canary, 1024), {
      timeoutMs: 5_000,
    });
    expect(read).toMatchObject({ status: 'Success', exitCode: 0, stdout: content });
    expect(read.durationMs).toBeGreaterThan(0);
    expect([...invocations.values()].at(-1)!.polls).toBe(4);

    const removed = await exec.run({ instanceId: 'i-0ccccccccccccccc2' }, removeFile(canary), {
      timeoutMs: 5_000,
    });
    expect(removed.exitCode).toBe(0);
    expect(existsSync(join(root, 'efs', canary.slice(mount.length + 1)))).toBe(false);
  });

  it('returns a Failed invocation with its exit code and stderr', async () => {
    const missing = await exec.run({ instanceId: 'i-0ccccccccccccccc1' }, readFile(`${mount}/gone.txt`, 10), {
      timeoutMs: 5_000,
    });
    expect(missing).toMatchObject({ status: 'Failed', exitCode: 1, stdout: '' });
    expect(missing.stderr).toContain("head: cannot open '/var/www/html/efs/gone.txt' for reading");

    const refused = await exec.run({ instanceId: 'i-0aaaaaaaaaaaaaaa1' }, 'cat /etc/passwd', {
      timeoutMs: 5_000,
    });
    expect(refused).toMatchObject({ status: 'Failed', exitCode: 127, stdout: '' });
    expect(refused.stderr).toContain('command refused');
  });

  it('times out on an invocation that never finishes, and cancels it', async () => {
    const before = cancelled.length;
    const error = await exec
      .run({ instanceId: 'i-0ddddddddddddddd1' }, readFile(`${mount}/x`, 10), { timeoutMs: 400 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).kind).toBe('timeout');
    expect((error as ExecError).message).toMatch(
      /no result from i-0ddddddddddddddd1 within 400 ms.*InProgress/,
    );
    expect(cancelled.length).toBe(before + 1);
  });

  it("ends as cancelled when the check's signal fires, long before its timeout, and cancels the command", async () => {
    const before = cancelled.length;
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('budget')), 300);
    const error = await exec
      .run({ instanceId: 'i-0ddddddddddddddd1' }, readFile(`${mount}/x`, 10), {
        timeoutMs: 30_000,
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    // Cancelled, not timed out: the signal ended it, 30 s before its own bound.
    expect((error as ExecError).kind).toBe('cancelled');
    expect(cancelled.length).toBe(before + 1);
  });

  it('gives up on an invocation SSM never registers', async () => {
    const limited = createSsmExec({
      client: clientConfig(),
      poll: { ...fastPolls, maxInvocationNotFound: 3 },
    });
    try {
      const error = await limited
        .run({ instanceId: 'i-0eeeeeeeeeeeeeee1' }, removeFile(`${mount}/x`), { timeoutMs: 5_000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecError);
      expect((error as ExecError).kind).toBe('target');
      expect([...invocations.values()].at(-1)!.polls).toBe(4);
    } finally {
      await limited.close();
    }
  });

  it('reports an unknown instance as a target error', async () => {
    const error = await exec
      .run({ instanceId: 'i-0fffffffffffffff9' }, removeFile(`${mount}/x`), { timeoutMs: 5_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecError);
    expect((error as ExecError).kind).toBe('target');
    expect((error as ExecError).message).toContain('InvalidInstanceId');
  });

  it('rejects bad input before sending anything', async () => {
    const sent = sendBodies.length;
    await expect(exec.run({ instanceId: 'not-an-id' }, 'x', { timeoutMs: 1_000 })).rejects.toMatchObject({
      kind: 'config',
    });
    await expect(
      exec.run({ instanceId: 'i-0aaaaaaaaaaaaaaa1' }, 'x', { timeoutMs: 0 }),
    ).rejects.toMatchObject({
      kind: 'config',
    });
    expect(sendBodies.length).toBe(sent);
  });
});

describe('SSM transport client ownership', () => {
  it('uses a client passed in and leaves it open on close', async () => {
    const client = new SSMClient(clientConfig());
    try {
      const exec = createSsmExec({ client, poll: fastPolls });
      const result = await exec.run({ instanceId: 'i-0ccccccccccccccc2' }, removeFile(`${mount}/x`), {
        timeoutMs: 5_000,
      });
      expect(result.status).toBe('Success');
      await exec.close();
      await expect(
        exec.run({ instanceId: 'i-0ccccccccccccccc2' }, 'x', { timeoutMs: 1_000 }),
      ).rejects.toMatchObject({
        kind: 'closed',
      });
      // Still usable by its owner.
      const again = createSsmExec({ client: () => client, poll: fastPolls });
      expect(
        (
          await again.run({ instanceId: 'i-0ccccccccccccccc2' }, removeFile(`${mount}/y`), {
            timeoutMs: 5_000,
          })
        ).exitCode,
      ).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('reports an unreachable endpoint as a connect error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const exec = createSsmExec({ client: { ...clientConfig(), endpoint: `http://127.0.0.1:${closedPort}` } });
    try {
      await expect(
        exec.run({ instanceId: 'i-0ccccccccccccccc2' }, 'x', { timeoutMs: 3_000 }),
      ).rejects.toMatchObject({
        kind: 'connect',
      });
    } finally {
      await exec.close();
    }
  });
});
