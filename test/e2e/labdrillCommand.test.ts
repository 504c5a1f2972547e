import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labdrill, readReport } from './labdrillCommand.ts';

// The end-to-end helper itself: a run that wrote no report fails with what the command did, never with a
// bare ENOENT, and a demo's failure message carries the twin's own log.

const dir = mkdtempSync(join(tmpdir(), 'labdrill-helper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the labdrill test helper', () => {
  it('explains a missing report with the exit code and the output', async () => {
    const out = join(dir, 'bad-fault');
    const result = await labdrill(['demo', '--fault', 'no-such-fault', '--out', out], { timeoutMs: 60_000 });
    expect(result.code).toBe(2);
    let message = '';
    try {
      readReport(out, result);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`no report at ${join(out, 'report.json')}`);
    expect(message).toContain('exit code 2');
    expect(message).toMatch(/--- stderr \(last 25 lines\) ---\nlabdrill: --fault: .*no-such-fault/);
    expect(message).toContain('--- twin log');
  });

  it("keeps the twin's log of a demo and shows its tail", async () => {
    const out = join(dir, 'one-check');
    const result = await labdrill(['demo', '--only', 'cf.origin', '--out', out], { timeoutMs: 120_000 });
    expect(result.code, result.explain()).toBe(0);
    expect(readReport(out, result).checks.map((c) => c.id)).toEqual(['cf.origin']);
    const log = readFileSync(result.twinLogFile!, 'utf8');
    expect(log).toMatch(/twin up in /);
    expect(log).toMatch(/aws cloudfront:GetDistribution 200/);
    expect(result.explain()).toContain('aws cloudfront:');
  });
});
