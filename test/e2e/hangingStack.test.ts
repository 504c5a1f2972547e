import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HangingServer, startHangingServer } from './hangingServer.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// A stack whose endpoints accept TCP and never answer: every check that needs them ends in `error`
// with the reason, within the configured timeout, and the run still completes with its reports.

let hanging: HangingServer;
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'labdrill-hang-'));

beforeAll(async () => {
  hanging = await startHangingServer();
  url = hanging.url;
});

afterAll(async () => {
  await hanging.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a stack that hangs', () => {
  it('gives error verdicts naming the timeout, and the run completes', async () => {
    const stackFile = join(dir, 'hang.yaml');
    writeFileSync(
      stackFile,
      [
        'name: hanging-stack',
        `s3: { websiteUrl: "${url}/mycar.html" }`,
        `cloudfront: { url: "${url}/" }`,
        `alb: { url: "${url}/", expectedTargets: 2, samples: 20 }`,
        'probe: { timeoutMs: 800, retries: 0, speedupSamples: 3 }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const started = Date.now();
    const result = await labdrill(['run', '--config', stackFile, '--out', out]);
    const elapsed = Date.now() - started;
    const report = readReport(out, result);
    const verdicts = Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]));
    expect(verdicts['s3.website.public-read']).toBe('error');
    expect(verdicts['cf.cache.hit']).toBe('error');
    expect(verdicts['cf.speedup']).toBe('error');
    expect(verdicts['alb.round-robin']).toBe('error');
    expect(verdicts['ec2.app.page']).toBe('error');
    expect(verdicts['dns.custom-domain']).toBe('skip');
    const s3 = report.checks.find((c) => c.id === 's3.website.public-read')!;
    expect(s3.reason).toMatch(/no response from http:\/\/127\.0\.0\.1:\d+\/mycar\.html within 800 ms/);
    expect(s3.errorCode).toBe('net.timeout');
    expect(report.checks.find((c) => c.id === 'dns.custom-domain')!.errorCode).toBe('config.missing');
    expect(result.code, result.explain()).toBe(1);
    // Bounded by the timeout: a handful of sequential 800 ms waits per check, not an open-ended hang.
    expect(elapsed).toBeLessThan(60_000);
  });
});
