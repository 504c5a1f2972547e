import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../fixtures/twin/faults.ts';
import { type RunningTwin, startTwin } from '../../fixtures/twin/startTwin.ts';
import { labdrill } from './labdrillCommand.ts';

// kill -9 a drill at several points — before its change, while the change is in flight, after it, after
// the drill put it back — then `labdrill restore` must leave the stack exactly as it was, and a second
// restore must find nothing to do.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'labdrill-kill-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type KillPoint = 'before-any-change' | 'change-in-flight' | 'change-applied' | 'change-undone';

function journalPhases(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [(JSON.parse(line) as { phase: string }).phase];
      } catch {
        return [];
      }
    });
}

async function killWhen(child: ChildProcess, ready: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the drill never reached the kill point');
    if (child.exitCode !== null)
      throw new Error(`the drill ended (exit ${child.exitCode}) before the kill point`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  // The whole process tree dies at once (labdrill and its vitest workers), as in a crash or kill -9 of
  // the group; a lone worker left running would go on to roll back by itself.
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

async function killDrillAt(
  point: KillPoint,
): Promise<{ twin: RunningTwin; journal: string; phasesAtKill: string[] }> {
  // Each AWS call takes 300 ms, so a kill can land while DeleteBucketPolicy is in flight.
  const twin = await startTwin({ faults: parseFaults(''), awsLatencyMs: 300 });
  const dir = mkdtempSync(join(scratch, `${point}-`));
  const journal = join(dir, '.labdrill', 'journal.jsonl');
  const child = spawn(
    process.execPath,
    [bin, 'drill', 's3-deny-then-allow', '--config', twin.stackFile, '--chaos', '--out', join(dir, 'out')],
    { cwd: dir, env: { ...process.env, ...twin.awsEnv, NO_COLOR: '1' }, stdio: 'ignore', detached: true },
  );
  const phases = () => journalPhases(journal);
  const readyAt: Record<KillPoint, () => boolean> = {
    'before-any-change': () => true,
    'change-in-flight': () => phases().includes('intent'),
    'change-applied': () => phases().includes('applied'),
    'change-undone': () => phases().includes('undone'),
  };
  await killWhen(child, readyAt[point], 60_000);
  const phasesAtKill = phases();
  // A request already sent is still carried out by the stack, as AWS would; let it land first.
  await new Promise((resolve) => setTimeout(resolve, 700));
  return { twin, journal, phasesAtKill };
}

describe('s3.website.deny-then-allow killed with SIGKILL', () => {
  it.each<KillPoint>(['before-any-change', 'change-in-flight', 'change-applied', 'change-undone'])(
    'restore leaves the bucket exactly as before (killed at %s)',
    async (point) => {
      const before = await startTwin({ faults: parseFaults('') }).then(async (t) => {
        const snapshot = { policy: t.state.bucket.policy, bpa: { ...t.state.bucket.publicAccessBlock } };
        await t.stop();
        return snapshot;
      });
      const { twin, journal, phasesAtKill } = await killDrillAt(point);
      try {
        const restored = await labdrill(['restore', '--config', twin.stackFile, '--journal', journal], {
          env: twin.awsEnv,
        });
        expect(restored.code, restored.explain()).toBe(0);
        expect(twin.state.bucket.policy).toBe(before.policy);
        expect(twin.state.bucket.publicAccessBlock).toEqual(before.bpa);
        // What restore has to do follows from what the journal held when the process died.
        if (phasesAtKill.includes('intent') && !phasesAtKill.includes('undone')) {
          expect(restored.stdout).toMatch(/undone +s3\.website\.deny-then-allow \/ delete-bucket-policy/);
        } else {
          expect(restored.stdout).toMatch(/nothing to restore/);
        }
        if (point === 'change-in-flight') expect(phasesAtKill).not.toContain('applied');
        const again = await labdrill(['restore', '--config', twin.stackFile, '--journal', journal], {
          env: twin.awsEnv,
        });
        expect(again.code, again.explain()).toBe(0);
        expect(again.stdout).toMatch(/nothing to restore/);
        expect(twin.state.bucket.policy).toBe(before.policy);
      } finally {
        await twin.stop();
      }
    },
  );
});
