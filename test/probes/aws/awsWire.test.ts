import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paginateDescribeSubnets } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Stack } from '../../../config/schema.ts';
import { AwsProbeError, awsCall, awsPaged } from '../../../probes/aws/awsCall.ts';
import { errorCodeOf } from '../../../probes/errorClassification.ts';
import { awsClientConfig, createAwsClients } from '../../../probes/aws/awsClients.ts';
import { LabInventory } from '../../../probes/aws/labInventory.ts';
import { describeSubnets, describeVpcs } from '../../../probes/aws/ec2.ts';
import { describeInstanceInformation } from '../../../probes/aws/ssm.ts';
import { describeDbInstance } from '../../../probes/aws/rds.ts';
import { getBucketPolicy, getPublicAccessBlock } from '../../../probes/aws/s3.ts';

// The real SDK clients against a local HTTP server that answers in each service's wire protocol.

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (request: SeenRequest, response: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let reply: Reply;
const seen: SeenRequest[] = [];
const sockets = new Set<Socket>();
let tempDir: string;
const savedEnv = { ...process.env };

const credentials = { accessKeyId: 'AKIDTESTWIRE', secretAccessKey: 'secret' };

function stackWith(aws: Stack['aws'], region = 'ap-northeast-2'): Stack {
  return { name: 'wire-test', region, aws };
}

const rdsError =
  (status: number, code: string, message: string): Reply =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'text/xml' });
    response.end(
      `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>5f1e9d3c-0000-4000-8000-000000000001</RequestId></ErrorResponse>`,
    );
  };

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'labdrill-aws-'));
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      reply(entry, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tempDir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

describe('client configuration from the stack file', () => {
  it('sets region, profile, endpoint, timeout and one retry policy', () => {
    const stack = stackWith({
      profile: 'lab',
      timeoutMs: 2_500,
      endpoints: { rds: 'http://127.0.0.1:4566', elbv2: 'http://127.0.0.1:4567' },
    });
    expect(awsClientConfig(stack, 'rds')).toEqual({
      region: 'ap-northeast-2',
      profile: 'lab',
      endpoint: 'http://127.0.0.1:4566',
      maxAttempts: 5,
      retryMode: 'standard',
      requestHandler: { requestTimeout: 2_500, connectionTimeout: 2_500, throwOnRequestTimeout: true },
    });
    expect(awsClientConfig(stack, 'elasticloadbalancing').endpoint).toBe('http://127.0.0.1:4567');
    expect(awsClientConfig(stack, 'ec2').endpoint).toBeUndefined();
    expect(awsClientConfig(stack, 'ec2').requestHandler.requestTimeout).toBe(2_500);
    expect(awsClientConfig(stackWith(undefined), 'ec2').requestHandler.requestTimeout).toBe(10_000);
    expect(awsClientConfig(stackWith({ endpoints: { s3: 'http://127.0.0.1:1' } }), 's3').forcePathStyle).toBe(
      true,
    );
    expect(awsClientConfig(stackWith(undefined), 's3').forcePathStyle).toBeUndefined();
  });

  it('rejects an endpoint key that names no service', () => {
    expect(() => awsClientConfig(stackWith({ endpoints: { ecc2: 'http://127.0.0.1:1' } }), 'ec2')).toThrow(
      /aws\.endpoints\.ecc2: unknown service/,
    );
  });

  it('signs with the profile from the shared credentials file', async () => {
    const file = join(tempDir, 'credentials');
    writeFileSync(
      file,
      '[lab]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = profilesecret\n',
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = file;
    process.env.AWS_CONFIG_FILE = join(tempDir, 'no-config');
    reply = rdsError(404, 'DBInstanceNotFound', 'DBInstance lab-vpc-rds not found.');
    const clients = createAwsClients(stackWith({ profile: 'lab', endpoints: { rds: baseUrl } }));
    try {
      await expect(describeDbInstance(clients.rds, 'lab-vpc-rds')).rejects.toThrow(AwsProbeError);
    } finally {
      clients.destroy();
    }
    expect(seen[0]?.headers.authorization).toContain('Credential=AKIDFROMPROFILE/');
    expect(seen[0]?.headers.authorization).toContain('/ap-northeast-2/rds/aws4_request');
  });

  it("leaves the endpoint to the SDK's AWS_ENDPOINT_URL_<SERVICE> when the stack sets none", async () => {
    process.env.AWS_ENDPOINT_URL_RDS = baseUrl;
    reply = rdsError(
      403,
      'AccessDenied',
      'User: arn:aws:iam::123456789012:user/kim is not authorized to perform: rds:DescribeDBInstances',
    );
    const clients = createAwsClients(stackWith({}), { credentials });
    try {
      const error = await describeDbInstance(clients.rds, 'lab-vpc-rds').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsProbeError);
      expect((error as AwsProbeError).kind).toBe('access-denied');
      expect((error as AwsProbeError).message).toBe(
        'missing IAM permission rds:DescribeDBInstances (AccessDenied)',
      );
    } finally {
      clients.destroy();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toContain('Action=DescribeDBInstances');
  });
});

describe('calls over the wire', () => {
  it('reads a DB instance and reports a missing one by name', async () => {
    const clients = createAwsClients(stackWith({ endpoints: { rds: baseUrl } }), { credentials });
    try {
      reply = (_request, response) => {
        response.writeHead(200, { 'content-type': 'text/xml' });
        response.end(
          '<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance>' +
            '<DBInstanceIdentifier>lab-vpc-rds</DBInstanceIdentifier><MultiAZ>true</MultiAZ><AvailabilityZone>ap-northeast-2a</AvailabilityZone>' +
            '<SecondaryAvailabilityZone>ap-northeast-2c</SecondaryAvailabilityZone><DBInstanceStatus>available</DBInstanceStatus>' +
            '</DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>',
        );
      };
      const instance = await describeDbInstance(clients.rds, 'lab-vpc-rds');
      expect(instance).toMatchObject({
        DBInstanceIdentifier: 'lab-vpc-rds',
        MultiAZ: true,
        SecondaryAvailabilityZone: 'ap-northeast-2c',
      });
      reply = rdsError(404, 'DBInstanceNotFound', 'DBInstance lab-vpc-rds not found.');
      const error = (await describeDbInstance(clients.rds, 'lab-vpc-rds').catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(error.kind).toBe('not-found');
      expect(error.message).toMatch(/^RDS DB instance 'lab-vpc-rds' not found/);
      expect(error.action).toBe('rds:DescribeDBInstances');
    } finally {
      clients.destroy();
    }
  });

  it('says which service answered with HTTP 500 and a page that is no AWS error, JSON and query protocols alike', async () => {
    const stack = stackWith({ maxAttempts: 1, endpoints: { ssm: baseUrl, ec2: baseUrl } });
    const clients = createAwsClients(stack, { credentials });
    const ssmClient = new SSMClient(awsClientConfig(stack, 'ssm', { credentials }));
    try {
      reply = (_request, response) => {
        response.writeHead(500, { 'content-type': 'text/html' });
        response.end('<html><body><h1>500 Internal Server Error</h1></body></html>');
      };
      const ssm = (await describeInstanceInformation(ssmClient, ['i-0aaa1111aaaa1111a']).catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(ssm).toBeInstanceOf(AwsProbeError);
      expect(ssm.message).toBe(
        'HTTP 500 from ssm for ssm:DescribeInstanceInformation, not an AWS error answer',
      );
      expect(ssm.message).not.toMatch(/Unexpected token/);
      const ec2 = (await describeVpcs(clients.ec2, []).catch((e: unknown) => e)) as AwsProbeError;
      expect(ec2.message).toMatch(/^HTTP 500 from ec2 for ec2:DescribeVpcs, not an AWS error answer/);
    } finally {
      clients.destroy();
      ssmClient.destroy();
    }
  });

  it('retries throttling inside the SDK, maxAttempts times and no more', async () => {
    const clients = createAwsClients(stackWith({ maxAttempts: 2, endpoints: { rds: baseUrl } }), {
      credentials,
    });
    reply = rdsError(400, 'Throttling', 'Rate exceeded');
    try {
      const error = (await describeDbInstance(clients.rds, 'lab-vpc-rds').catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(error.kind).toBe('throttled');
    } finally {
      clients.destroy();
    }
    expect(seen).toHaveLength(2);
  });

  it('times out a call that gets no answer', async () => {
    const clients = createAwsClients(
      stackWith({ maxAttempts: 1, timeoutMs: 300, endpoints: { rds: baseUrl } }),
      { credentials },
    );
    reply = () => {}; // never answers
    try {
      const error = (await describeDbInstance(clients.rds, 'lab-vpc-rds').catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(error).toBeInstanceOf(AwsProbeError);
      expect(error.kind).toBe('timeout');
    } finally {
      clients.destroy();
    }
  });

  it('cancels a call and a paginated read when the signal aborts, without waiting for an answer', async () => {
    const clients = createAwsClients(
      stackWith({ maxAttempts: 1, timeoutMs: 30_000, endpoints: { rds: baseUrl, ec2: baseUrl } }),
      { credentials },
    );
    reply = () => {}; // never answers
    try {
      const started = Date.now();
      const single = (await awsCall(
        clients.rds,
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-vpc-rds' }),
        { signal: AbortSignal.timeout(200) },
      ).catch((e: unknown) => e)) as AwsProbeError;
      const paged = (await awsPaged(clients.ec2, paginateDescribeSubnets, {}, (page) => page.Subnets, {
        signal: AbortSignal.timeout(200),
      }).catch((e: unknown) => e)) as AwsProbeError;
      for (const error of [single, paged]) {
        expect(error).toBeInstanceOf(AwsProbeError);
        expect(error.kind).toBe('cancelled');
        expect(errorCodeOf(error)).toBe('interrupted');
      }
      expect(single.message).toBe('rds:DescribeDBInstances was cancelled');
      // Both ended at their signal, long before the 30 s call timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      clients.destroy();
    }
  });

  it('reports an endpoint nobody listens on as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const clients = createAwsClients(
      stackWith({ maxAttempts: 1, endpoints: { rds: `http://127.0.0.1:${port}` } }),
      { credentials },
    );
    try {
      const error = (await describeDbInstance(clients.rds, 'x').catch((e: unknown) => e)) as AwsProbeError;
      expect(error.kind).toBe('network');
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      clients.destroy();
    }
  });

  it('maps EC2 UnauthorizedOperation on a paginated read', async () => {
    const clients = createAwsClients(stackWith({ endpoints: { ec2: baseUrl } }), { credentials });
    reply = (_request, response) => {
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r2</RequestID></Response>',
      );
    };
    try {
      const error = (await describeSubnets(clients.ec2, 'vpc-0a1b2c3d').catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(error.kind).toBe('access-denied');
      expect(error.message).toBe('missing IAM permission ec2:DescribeSubnets (UnauthorizedOperation)');
    } finally {
      clients.destroy();
    }
    expect(seen[0]?.body).toContain('Filter.1.Name=vpc-id');
  });

  it('forgets a failed inventory read, so the next check asks AWS again', async () => {
    const stack = { ...stackWith({ maxAttempts: 1, endpoints: { ec2: baseUrl } }), vpc: { name: 'lab-vpc' } };
    const clients = createAwsClients(stack, { credentials });
    const inventory = new LabInventory(stack, clients);
    let calls = 0;
    reply = (_request, response) => {
      calls += 1;
      if (calls === 1) {
        response.writeHead(503, { 'content-type': 'text/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>',
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><vpcSet><item><vpcId>vpc-0a1b2c3d</vpcId><cidrBlock>10.1.0.0/16</cidrBlock><tagSet><item><key>Name</key><value>lab-vpc</value></item></tagSet></item></vpcSet></DescribeVpcsResponse>',
      );
    };
    try {
      const first = (await inventory.vpcId().catch((e: unknown) => e)) as AwsProbeError;
      expect(first.kind).toBe('throttled');
      // The next check's read goes to AWS again and gets the answer; that answer is then kept.
      expect(await inventory.vpcId()).toBe('vpc-0a1b2c3d');
      expect(await inventory.vpcId()).toBe('vpc-0a1b2c3d');
      expect(calls).toBe(2);
    } finally {
      clients.destroy();
    }
  });

  it('reads each DB instance once for all the checks that ask for it', async () => {
    const stack = stackWith({ endpoints: { rds: baseUrl } });
    const clients = createAwsClients(stack, { credentials });
    const inventory = new LabInventory(stack, clients);
    reply = (request, response) => {
      const id = /DBInstanceIdentifier=([\w-]+)/.exec(request.body)?.[1] ?? 'unknown';
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance><DBInstanceIdentifier>${id}</DBInstanceIdentifier></DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeDBInstancesResponse>`,
      );
    };
    try {
      const [source, again, replica] = await Promise.all([
        inventory.dbInstance('lab-vpc-rds'),
        inventory.dbInstance('lab-vpc-rds'),
        inventory.dbInstance('lab-vpc-rds-replica'),
      ]);
      expect(source.DBInstanceIdentifier).toBe('lab-vpc-rds');
      expect(again).toBe(source);
      expect(replica.DBInstanceIdentifier).toBe('lab-vpc-rds-replica');
      expect(await inventory.dbInstance('lab-vpc-rds')).toBe(source);
      expect(seen.map((request) => /DBInstanceIdentifier=([\w-]+)/.exec(request.body)?.[1]).sort()).toEqual([
        'lab-vpc-rds',
        'lab-vpc-rds-replica',
      ]);
    } finally {
      clients.destroy();
    }
  });

  it('follows next tokens and stops at the page bound', async () => {
    const clients = createAwsClients(stackWith({ endpoints: { ec2: baseUrl } }), { credentials });
    let page = 0;
    reply = (_request, response) => {
      page += 1;
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r${page}</requestId><subnetSet><item><subnetId>subnet-${page}</subnetId><availabilityZone>ap-northeast-2a</availabilityZone></item></subnetSet><nextToken>token-${page}</nextToken></DescribeSubnetsResponse>`,
      );
    };
    try {
      const error = (await awsPaged(clients.ec2, paginateDescribeSubnets, {}, (p) => p.Subnets, {
        maxPages: 3,
      }).catch((e: unknown) => e)) as AwsProbeError;
      expect(error.kind).toBe('other');
      expect(error.message).toContain('more than 3 pages');
      expect(seen).toHaveLength(4);
      expect(seen[1]?.body).toContain('NextToken=token-1');
      page = 0;
      seen.length = 0;
      const firstTwo = await awsPaged(clients.ec2, paginateDescribeSubnets, {}, (p) => p.Subnets, {
        maxItems: 2,
      });
      expect(firstTwo.map((s) => s.SubnetId)).toEqual(['subnet-1', 'subnet-2']);
    } finally {
      clients.destroy();
    }
  });

  it('returns the bucket policy byte for byte, and null when there is none', async () => {
    const clients = createAwsClients(stackWith({ endpoints: { s3: baseUrl } }), { credentials });
    const policy =
      '{"Version":"2012-10-17",\n  "Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::lab-s3-web-hosting/*"}]}';
    try {
      reply = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(policy);
      };
      expect(await getBucketPolicy(clients.s3, 'lab-s3-web-hosting')).toBe(policy);
      expect(seen[0]?.url).toMatch(/^\/lab-s3-web-hosting\/?\?policy/); // path style, not BUCKET.host
      reply = (_request, response) => {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket policy does not exist</Message><BucketName>lab-s3-web-hosting</BucketName><RequestId>R1</RequestId><HostId>H1</HostId></Error>',
        );
      };
      expect(await getBucketPolicy(clients.s3, 'lab-s3-web-hosting')).toBeNull();
      reply = (_request, response) => {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchPublicAccessBlockConfiguration</Code><Message>The public access block configuration was not found</Message><BucketName>lab-s3-web-hosting</BucketName><RequestId>R2</RequestId><HostId>H2</HostId></Error>',
        );
      };
      expect(await getPublicAccessBlock(clients.s3, 'lab-s3-web-hosting')).toBeNull();
      reply = (_request, response) => {
        response.writeHead(404, { 'content-type': 'application/xml' });
        response.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>lab-s3-web-hosting</BucketName><RequestId>R3</RequestId><HostId>H3</HostId></Error>',
        );
      };
      const error = (await getBucketPolicy(clients.s3, 'lab-s3-web-hosting').catch(
        (e: unknown) => e,
      )) as AwsProbeError;
      expect(error.kind).toBe('not-found');
      expect(error.message).toMatch(/^S3 bucket 'lab-s3-web-hosting' not found/);
    } finally {
      clients.destroy();
    }
  });
});
