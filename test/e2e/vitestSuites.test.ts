import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebsite, type WebsiteForTests } from '../websiteForTests.ts';

// The check suites as plain vitest test files (`LABDRILL_STACK=stack.yaml npx vitest`): each suite file states
// its checks when vitest evaluates it, and each check is a test with its verdict.

const root = fileURLToPath(new URL('../../', import.meta.url));
const vitestBin = join(root, 'node_modules/vitest/vitest.mjs');
const work = mkdtempSync(join(tmpdir(), 'labdrill-vitest-suites-'));
let website: WebsiteForTests;

beforeAll(async () => {
  website = await startWebsite();
});

afterAll(async () => {
  await website.close();
  rmSync(work, { recursive: true, force: true });
});

interface JsonReport {
  testResults: { name: string; assertionResults: { title: string; status: string }[] }[];
}

describe('LABDRILL_STACK=stack.yaml npx vitest', () => {
  it('runs each suite file’s checks as tests, with their verdicts', async () => {
    const stackFile = join(work, 'stack.yaml');
    writeFileSync(stackFile, `name: vitest-suites\ns3:\n  websiteUrl: ${website.origin}/mycar.html\n`);
    const outputFile = join(work, 'results.json');
    // The outer vitest's own variables would make the inner one think it runs inside a worker.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [
          vitestBin,
          'run',
          'suites/s3.probes.ts',
          'suites/dns.probes.ts',
          '--reporter=json',
          `--outputFile=${outputFile}`,
        ],
        { cwd: root, env: { ...env, LABDRILL_STACK: stackFile }, timeout: 120_000 },
        () => resolve(),
      );
    });
    const report = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
    const statuses = Object.fromEntries(
      report.testResults.flatMap((file) => file.assertionResults.map((test) => [test.title, test.status])),
    );
    expect(statuses).toEqual({
      's3.website.public-read': 'passed',
      // No bucket in the stack file: the policy check skips, as does the domain check without a domain.
      's3.policy.least-privilege': 'skipped',
      'dns.custom-domain': 'skipped',
    });
  });
});
