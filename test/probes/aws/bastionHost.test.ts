import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Stack } from '../../../config/schema.ts';
import { bastionSshAddress, describeBastion, parseBastion } from '../../../probes/aws/bastionHost.ts';
import { execForStack } from '../../../probes/exec/execForStack.ts';
import { ExecError } from '../../../probes/exec/transport.ts';

// ec2.bastion's three forms, and how each finds the other half through EC2: a stand-in EC2 endpoint answers
// DescribeInstances with the instances a test sets, and records the filters it was asked for.

interface StandInInstance {
  id: string;
  state: string;
  publicIp?: string;
}

let instances: StandInInstance[] = [];
const asked: URLSearchParams[] = [];
let server: Server;
let endpoint: string;

function describeInstancesXml(): string {
  const items = instances
    .map(
      (i) =>
        `<item><instanceId>${i.id}</instanceId><instanceState><code>16</code><name>${i.state}</name></instanceState>` +
        `${i.publicIp ? `<ipAddress>${i.publicIp}</ipAddress>` : ''}</item>`,
    )
    .join('');
  return (
    '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>' +
    `<reservationSet><item><reservationId>r-0a</reservationId><instancesSet>${items}</instancesSet></item></reservationSet>` +
    '</DescribeInstancesResponse>'
  );
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      asked.push(new URLSearchParams(body));
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(describeInstancesXml());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  instances = [];
  asked.length = 0;
});

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const ec2 = () => new EC2Client({ region: 'ap-northeast-2', endpoint, credentials, maxAttempts: 1 });

/** The filters (name → values) of the one DescribeInstances call made. */
function filtersAsked(): Record<string, string> {
  expect(asked).toHaveLength(1);
  const params = asked[0]!;
  expect(params.get('Action')).toBe('DescribeInstances');
  const filters: Record<string, string> = {};
  for (let n = 1; params.has(`Filter.${n}.Name`); n++)
    filters[params.get(`Filter.${n}.Name`)!] = params.get(`Filter.${n}.Value.1`)!;
  return filters;
}

describe('ec2.bastion', () => {
  it('reads an instance id, an address (IP, HOST:PORT, [IPv6]:PORT) or else a Name tag', () => {
    expect(parseBastion('i-0123456789abcdef0')).toEqual({ kind: 'instance-id', id: 'i-0123456789abcdef0' });
    expect(parseBastion('203.0.113.10')).toEqual({ kind: 'address', host: '203.0.113.10', port: 22 });
    expect(parseBastion('bastion.example:2222')).toEqual({
      kind: 'address',
      host: 'bastion.example',
      port: 2222,
    });
    expect(parseBastion('[2001:db8::1]:22')).toEqual({ kind: 'address', host: '2001:db8::1', port: 22 });
    expect(parseBastion('2001:db8::1')).toEqual({ kind: 'address', host: '2001:db8::1', port: 22 });
    expect(parseBastion('public-ec2-a1')).toEqual({ kind: 'name-tag', name: 'public-ec2-a1' });
    // A host name without a port is read as a Name tag: an address takes a port unless it is an IP.
    expect(parseBastion('bastion.example')).toEqual({ kind: 'name-tag', name: 'bastion.example' });
    expect(parseBastion('lab: bastion')).toEqual({ kind: 'name-tag', name: 'lab: bastion' });
    expect(parseBastion('[2001:db8::1]')).toEqual({ kind: 'address', host: '2001:db8::1', port: 22 });
    expect(parseBastion('lab:web:1')).toEqual({ kind: 'name-tag', name: 'lab:web:1' });
    expect(parseBastion('lab bastion:22')).toEqual({ kind: 'name-tag', name: 'lab bastion:22' });
  });

  it('finds the instance by its Name tag, id or public IP, for its security groups', async () => {
    instances = [{ id: 'i-0123456789abcdef0', state: 'running', publicIp: '203.0.113.10' }];
    expect((await describeBastion(ec2(), 'public-ec2-a1')).map((i) => i.InstanceId)).toEqual([
      'i-0123456789abcdef0',
    ]);
    expect(filtersAsked()).toEqual({ 'tag:Name': 'public-ec2-a1' });

    asked.length = 0;
    await describeBastion(ec2(), '203.0.113.10:22');
    expect(filtersAsked()).toEqual({ 'ip-address': '203.0.113.10' });

    asked.length = 0;
    await describeBastion(ec2(), 'i-0123456789abcdef0');
    expect(asked[0]?.get('InstanceId.1')).toBe('i-0123456789abcdef0');

    // EC2 cannot search by a host name of the user's own: nothing is asked, nothing found.
    asked.length = 0;
    expect(await describeBastion(ec2(), 'bastion.example:22')).toEqual([]);
    expect(asked).toEqual([]);
  });

  it("reaches a named bastion at its running instance's public IP, port 22", async () => {
    instances = [
      { id: 'i-0aaaaaaaaaaaaaaaa', state: 'stopped', publicIp: '203.0.113.9' },
      { id: 'i-0123456789abcdef0', state: 'running', publicIp: '203.0.113.10' },
    ];
    expect(await bastionSshAddress(ec2(), 'public-ec2-a1')).toEqual({ host: '203.0.113.10', port: 22 });
    // An address is used as it is, without asking EC2.
    asked.length = 0;
    expect(await bastionSshAddress(ec2(), 'bastion.example:2222')).toEqual({
      host: 'bastion.example',
      port: 2222,
    });
    expect(asked).toEqual([]);

    instances = [{ id: 'i-0123456789abcdef0', state: 'running' }];
    await expect(bastionSshAddress(ec2(), 'public-ec2-a1')).rejects.toThrow(
      'ec2.bastion public-ec2-a1: the instance has no public IP; give ec2.bastion as the HOST:PORT SSH reaches it at',
    );
    instances = [];
    await expect(bastionSshAddress(ec2(), 'i-0123456789abcdef0')).rejects.toThrow(
      'ec2.bastion i-0123456789abcdef0: no running instance by that id',
    );
  });

  it('exec via ssh through a named bastion says on the first command when it cannot be found', async () => {
    const stack: Stack = {
      name: 'named-bastion',
      region: 'ap-northeast-2',
      aws: { endpoints: { ec2: endpoint }, maxAttempts: 1 },
      ec2: { bastion: 'public-ec2-a1' },
      exec: { via: 'ssh', user: 'ec2-user', hostKeys: [] },
    };
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    const exec = execForStack(stack)!;
    try {
      const error = await exec
        .run({ instanceId: 'i-0app', privateIp: '10.0.3.10' }, 'true', { timeoutMs: 5_000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ExecError);
      expect((error as ExecError).kind).toBe('config');
      expect((error as ExecError).message).toBe(
        'cannot find the bastion: ec2.bastion public-ec2-a1: no running instance by that Name tag',
      );
      expect(filtersAsked()).toEqual({ 'tag:Name': 'public-ec2-a1' });
    } finally {
      await exec.close();
      vi.unstubAllEnvs();
    }
    await expect(
      exec.run({ instanceId: 'i-0app', privateIp: '10.0.3.10' }, 'true', { timeoutMs: 1 }),
    ).rejects.toThrow(/closed/);
  });
});
