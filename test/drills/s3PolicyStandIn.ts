import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

// A tiny S3 stand-in on loopback for the calls drill undos make: bucket policy and Block Public Access
// (get/put/delete), path-style, restXml. Enough for the real SDK client to talk to; nothing more.

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface S3PolicyStandIn {
  url: string;
  policies: Map<string, string>;
  publicAccessBlocks: Map<string, PublicAccessBlock>;
  /** Method, bucket and sub-resource of every request, in order. */
  requests: string[];
  client(): S3Client;
  close(): Promise<void>;
}

const maxBody = 64 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        request.destroy();
        reject(new Error('body too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function xmlError(response: ServerResponse, status: number, code: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

function flag(xml: string, name: string): boolean {
  return new RegExp(`<${name}>true</${name}>`).test(xml);
}

export async function startS3PolicyStandIn(): Promise<S3PolicyStandIn> {
  const policies = new Map<string, string>();
  const publicAccessBlocks = new Map<string, PublicAccessBlock>();
  const requests: string[] = [];
  const clients: S3Client[] = [];

  const server: Server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const bucket = url.pathname.split('/')[1] ?? '';
      const sub = url.searchParams.has('policy')
        ? 'policy'
        : url.searchParams.has('publicAccessBlock')
          ? 'pab'
          : '';
      const body = await readBody(request);
      requests.push(`${request.method} ${bucket} ${sub}`);
      if (sub === 'policy') {
        if (request.method === 'PUT') {
          policies.set(bucket, body);
          response.writeHead(204).end();
        } else if (request.method === 'DELETE') {
          policies.delete(bucket);
          response.writeHead(204).end();
        } else if (request.method === 'GET') {
          const policy = policies.get(bucket);
          if (policy === undefined)
            xmlError(response, 404, 'NoSuchBucketPolicy', 'The bucket policy does not exist');
          else response.writeHead(200, { 'content-type': 'application/json' }).end(policy);
        } else xmlError(response, 405, 'MethodNotAllowed', 'not here');
      } else if (sub === 'pab') {
        if (request.method === 'PUT') {
          publicAccessBlocks.set(bucket, {
            BlockPublicAcls: flag(body, 'BlockPublicAcls'),
            IgnorePublicAcls: flag(body, 'IgnorePublicAcls'),
            BlockPublicPolicy: flag(body, 'BlockPublicPolicy'),
            RestrictPublicBuckets: flag(body, 'RestrictPublicBuckets'),
          });
          response.writeHead(200).end();
        } else if (request.method === 'DELETE') {
          if (!publicAccessBlocks.delete(bucket)) {
            xmlError(response, 404, 'NoSuchPublicAccessBlockConfiguration', 'none');
          } else response.writeHead(204).end();
        } else xmlError(response, 405, 'MethodNotAllowed', 'not here');
      } else
        xmlError(response, 501, 'NotImplemented', 'the stand-in knows only ?policy and ?publicAccessBlock');
    } catch {
      if (!response.headersSent) xmlError(response, 500, 'InternalError', 'stand-in failed');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    policies,
    publicAccessBlocks,
    requests,
    client() {
      const client = s3ClientFor(url);
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A real SDK client aimed at the stand-in, with fixed test credentials (never the machine's). */
export function s3ClientFor(url: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' },
    maxAttempts: 1,
  });
}
