import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../drills/journal.ts';
import { formatRestoreReport, restoreFromJournal } from '../../drills/restore.ts';
import { type S3PolicyStandIn, startS3PolicyStandIn } from './s3PolicyStandIn.ts';

// Crash and interrupt across a real process boundary: a child process journals and changes a bucket
// policy on a loopback S3 stand-in through the real SDK, then dies by SIGKILL (restore must put the
// policy back from the journal alone) or is sent SIGTERM (its own rollback must put it back).

const children = fileURLToPath(new URL('./children/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const policy = `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "PublicReadGetObject", "Effect": "Allow", "Principal": "*",
    "Action": "s3:GetObject", "Resource": "arn:aws:s3:::lab-s3-web-hosting/*"}]
}
`;
const bucket = 'lab-s3-web-hosting';

const root = mkdtempSync(join(tmpdir(), 'labdrill-crash-'));
let s3: S3PolicyStandIn;
const running = new Set<ChildProcess>();
beforeAll(async () => {
  s3 = await startS3PolicyStandIn();
});
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await s3.close();
  rmSync(root, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startChild(script: string, args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(children, script), ...args], {
    cwd: projectRoot,
    env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  // Bounded: a child that hangs is killed, and the test then fails on its exit.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exit = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      running.delete(child);
      // 'exit' can come before the pipes drain; 'close' follows once they have.
      child.on('close', () => resolve({ code, signal, stdout, stderr }));
    });
  });
  return { child, exit };
}

const policyArg = Buffer.from(policy).toString('base64');

describe('restore after a drill process was killed', () => {
  for (const when of ['before-change', 'mid-change', 'after-applied'] as const) {
    it(`puts the policy back byte-identical when killed ${when}`, async () => {
      s3.policies.set(bucket, policy);
      const journal = join(root, `${when}.jsonl`);
      const { exit } = startChild('crashMidDrill.ts', [journal, s3.url, bucket, policyArg, when]);
      const ended = await exit;
      expect(ended.signal, ended.stderr).toBe('SIGKILL');
      expect(s3.policies.has(bucket)).toBe(when === 'before-change');
      const phases = readJournal(journal).entries.map((e) => e.phase);
      expect(phases).toEqual(when === 'after-applied' ? ['intent', 'applied'] : ['intent']);

      const client = s3.client();
      const report = await restoreFromJournal(journal, { s3: client });
      expect(report.steps).toEqual([
        expect.objectContaining({
          runId: `crash-${when}`,
          step: 'remove-policy',
          result: 'undone',
          wasApplied: when === 'after-applied',
          undo: { type: 's3.putBucketPolicy', bucket, policy },
        }),
      ]);
      expect(s3.policies.get(bucket)).toBe(policy);
      expect(formatRestoreReport(report)[0]).toMatch(
        /^undone {2}s3\.website\.deny-then-allow \/ remove-policy: put back/,
      );

      const again = await restoreFromJournal(journal, { s3: client });
      expect(again.nothingToDo).toBe(true);
      expect(formatRestoreReport(again)[0]).toMatch(/nothing to restore/);
      expect(s3.policies.get(bucket)).toBe(policy);
    });
  }
});

describe('a drill process sent SIGTERM', () => {
  it('rolls back by itself, journals the end, and exits', async () => {
    s3.policies.set(bucket, policy);
    const journal = join(root, 'sigterm.jsonl');
    const { child, exit } = startChild('drillUntilSignalled.ts', [journal, s3.url, bucket, policyArg]);
    // Wait (bounded) for the child to say it has changed the stack.
    const changed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('changed')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    expect(changed).toBe(true);
    expect(s3.policies.has(bucket)).toBe(false);
    child.kill('SIGTERM');
    const ended = await exit;
    expect(ended.code, ended.stderr).toBe(130);
    const result = JSON.parse(ended.stdout.trim().split('\n').at(-1) ?? '{}') as {
      interruptedBy: string;
      outcome: { verdict: string; reason: string };
      rolledBack: Array<{ step: string; result: string }>;
    };
    expect(result.interruptedBy).toBe('SIGTERM');
    expect(result.outcome.reason).toBe('the drill was interrupted by SIGTERM; put back 1 change(s)');
    expect(result.rolledBack).toEqual([expect.objectContaining({ step: 'remove-policy', result: 'undone' })]);
    expect(s3.policies.get(bucket)).toBe(policy);
    const phases = readJournal(journal).entries.map((e) => `${e.step}:${e.phase}`);
    expect(phases).toEqual([
      'remove-policy:intent',
      'remove-policy:applied',
      'remove-policy:undone',
      'run:finished',
    ]);
    expect((await restoreFromJournal(journal, { s3: s3.client() })).nothingToDo).toBe(true);
  });
});
