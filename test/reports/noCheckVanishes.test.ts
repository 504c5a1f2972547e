import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../reports/evidence.ts';
import { type HangingServer, startHangingServer } from '../e2e/hangingServer.ts';

// A check whose runner dies still appears in the report: a real `labdrill run` against a stack that never
// answers, whose check runner process is killed (SIGKILL) while its checks wait, leaves an error record for
// every check it was asked for, counted by the exit code.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'labdrill-vanish-'));
let hanging: HangingServer;
let url = '';

beforeAll(async () => {
  hanging = await startHangingServer();
  url = hanging.url;
});

afterAll(async () => {
  await hanging.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The runner process: the `labdrill run` process's only child. */
function childOf(pid: number): number | undefined {
  try {
    const found = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    return found ? Number(found) : undefined;
  } catch {
    return undefined;
  }
}

describe('no check vanishes', () => {
  it('turns a runner that died mid-check into error records, counted by the exit code', async () => {
    const stackFile = join(dir, 'hang.yaml');
    // Every request hangs for the whole timeout, so the checks are mid-flight when the runner is killed.
    writeFileSync(
      stackFile,
      [
        'name: vanishing',
        `s3: { websiteUrl: "${url}/mycar.html" }`,
        `cloudfront: { url: "${url}/" }`,
        'probe: { timeoutMs: 60000, retries: 0 }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const child = spawn(
      process.execPath,
      [bin, 'run', '--config', stackFile, '--out', out, '--only', 's3.website.public-read,cf.cache.hit'],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    // Both checks are waiting on the server once it holds two connections.
    const deadline = Date.now() + 60_000;
    while (hanging.sockets.size < 2) {
      if (Date.now() > deadline) throw new Error(`the checks never reached the stack:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const runner = childOf(child.pid!);
    expect(runner, 'the run has a runner process').toBeDefined();
    process.kill(runner!, 'SIGKILL');
    expect(await exited, stdout).toBe(1);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    expect(report.checks.map((check) => [check.id, check.verdict, check.errorCode])).toEqual([
      ['s3.website.public-read', 'error', 'internal'],
      ['cf.cache.hit', 'error', 'internal'],
    ]);
    for (const check of report.checks)
      expect(check.reason).toMatch(/never reported a verdict: the check runner ended .*signal SIGKILL/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<testcase name="cf.cache.hit"');
  });
});
