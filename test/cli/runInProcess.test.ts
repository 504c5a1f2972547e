import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChecksInProcess } from '../../cli/runInProcess.ts';
import type { Stack } from '../../config/schema.ts';
import { startWebsite, type WebsiteForTests } from '../websiteForTests.ts';

// The in-process runner (grading a class) reads each suite file once and applies its checks to every run:
// runs side by side must each judge their own stack, with nothing carried from one to another.

let website: WebsiteForTests;
let origin: string;

beforeAll(async () => {
  website = await startWebsite();
  origin = website.origin;
});

afterAll(() => website.close());

function run(name: string, s3?: Stack['s3']) {
  const stack: Stack = { name, ...(s3 ? { s3 } : {}) };
  return runChecksInProcess({
    stackFile: `${name}.yaml`,
    stack,
    only: ['s3.website.public-read', 'dns.custom-domain'],
    chaosRequested: false,
  });
}

const verdicts = (results: Awaited<ReturnType<typeof run>>) =>
  Object.fromEntries(results.map((result) => [result.id, result.verdict]));

describe('runChecksInProcess', () => {
  it('judges each run on its own stack, runs side by side and one after another', async () => {
    const [open, closed, missing] = await Promise.all([
      run('open', { websiteUrl: `${origin}/mycar.html` }),
      run('closed', { websiteUrl: `${origin}/private.html` }),
      run('missing'),
    ]);
    expect(verdicts(open)).toEqual({ 's3.website.public-read': 'pass', 'dns.custom-domain': 'skip' });
    expect(verdicts(closed)).toEqual({ 's3.website.public-read': 'fail', 'dns.custom-domain': 'skip' });
    expect(verdicts(missing)).toEqual({ 's3.website.public-read': 'skip', 'dns.custom-domain': 'skip' });
    expect(closed.find((r) => r.id === 's3.website.public-read')?.reason).toContain('403');
    // A later run gets the same checks afresh, for its own stack.
    expect(verdicts(await run('open again', { websiteUrl: `${origin}/mycar.html` }))).toEqual(verdicts(open));
  });

  it('starts the checks with the longest budgets first, whatever their catalog order', async () => {
    const started: string[] = [];
    // One check at a time: the order they end in is the order they started in.
    await runChecksInProcess({
      stackFile: 'order.yaml',
      stack: { name: 'order', s3: { websiteUrl: `${origin}/mycar.html` } },
      only: ['s3.website.public-read', 'dns.custom-domain', 'efs.shared'],
      chaosRequested: false,
      probeConcurrency: 1,
      onCheck: (result) => started.push(result.id),
    });
    // efs.shared (its budget holds minutes of remote commands) comes last in the catalog of the three.
    expect(started).toEqual(['efs.shared', 's3.website.public-read', 'dns.custom-domain']);
  });
});
