import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labdrill, readReport } from './labdrillCommand.ts';

// CloudFront answers "RefreshHit from cloudfront" when it served the cached copy after revalidating it with
// the origin: a cache hit, as AWS documents it. A local edge answers Miss, then RefreshHit.

const dir = mkdtempSync(join(tmpdir(), 'labdrill-refreshhit-'));
let server: Server;
let requests = 0;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests += 1;
    const hit = requests > 1;
    response.writeHead(200, {
      'content-type': 'text/html',
      'x-cache': hit ? 'RefreshHit from cloudfront' : 'Miss from cloudfront',
      via: '1.1 0123456789abcdef0123456789abcdef.cloudfront.net (CloudFront)',
      'x-amz-cf-pop': 'ICN54-C1',
      ...(hit ? { age: '12' } : {}),
    });
    response.end('<html><body>my car</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('cf.cache.hit', () => {
  it('counts RefreshHit as a hit and shows the header', async () => {
    const { port } = server.address() as AddressInfo;
    const config = join(dir, 'stack.yaml');
    writeFileSync(config, `name: refresh-hit\ncloudfront: { url: "http://127.0.0.1:${port}/mycar.html" }\n`);
    const out = join(dir, 'out');
    const result = await labdrill(['run', '--config', config, '--only', 'cf.cache.hit', '--out', out]);
    expect(result.code, result.explain()).toBe(0);
    const check = readReport(out, result).checks[0]!;
    expect(check.verdict).toBe('pass');
    expect(check.reason).toBe('request 2 was "RefreshHit from cloudfront" (Age 12, pop ICN54-C1)');
  });
});
