import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseFaults } from '../../fixtures/twin/faults.ts';
import { type RunningTwin, startTwin } from '../../fixtures/twin/startTwin.ts';
import { labdrill } from './labdrillCommand.ts';

// kill -9 the other drills once their change is made, then `labdrill restore`: the group's sizes come back,
// a stopped instance is started again (or replaced by its group), and a failover — which nothing can undo —
// is reported as such while the database stays available. A second restore finds nothing to do.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'labdrill-kill-others-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function journalEntries(path: string): { phase: string; step: string }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { phase: string; step: string }];
      } catch {
        return [];
      }
    });
}

async function waitFor(what: string, ready: () => boolean, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (child && child.exitCode !== null)
      throw new Error(`the drill ended (exit ${child.exitCode}) before ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface KillCase {
  drill: string;
  step: string;
  /** Wait for this phase of the step before the kill. */
  phase: 'intent' | 'applied';
  // A YAML document edited in place for the test
  tweak?: (stack: Record<string, any>) => void;
  check: (twin: RunningTwin, restoreOutput: string) => Promise<void>;
}

const cases: KillCase[] = [
  {
    drill: 'scale-out',
    step: 'load-through-alb',
    phase: 'applied',
    // With observeScaleIn the drill leaves the scale-in to the policy; here the undo must put the sizes back.
    tweak: (stack) => {
      stack.asg.observeScaleIn = false;
    },
    check: async (twin, output) => {
      expect(output).toMatch(/undone +asg\.scale-out\.drill \/ load-through-alb/);
      const group = twin.state.autoScalingGroup;
      expect({ min: group.minSize, desired: group.desiredCapacity, max: group.maxSize }).toEqual({
        min: 2,
        desired: 2,
        max: 4,
      });
    },
  },
  {
    drill: 'self-heal',
    step: 'stop-instance',
    phase: 'applied',
    tweak: (stack) => {
      stack.asg.selfHealMode = 'stop';
    },
    check: async (twin, output) => {
      expect(output).toMatch(/undone +asg\.self-heal\.drill/);
      // Started again by the undo, or already replaced by the group: either way the group is whole again.
      await waitFor(
        'the group to be back at 2 running, healthy instances',
        () =>
          twin.state.instances.filter((i) => i.state === 'running').length >= 2 &&
          twin.state.loadBalancer.targetGroup.targets.filter((t) => t.state === 'healthy').length >= 2,
        30_000,
      );
    },
  },
  {
    drill: 'rds-failover',
    step: 'reboot-with-failover',
    phase: 'intent',
    check: async (twin, output) => {
      expect(output).toMatch(/nothing to put back/);
      const instance = twin.state.rds.instances.find((i) => i.identifier === 'lab-vpc-rds');
      await waitFor('lab-vpc-rds to be available', () => instance?.status === 'available', 30_000);
    },
  },
];

describe('other drills killed with SIGKILL', () => {
  it.each(cases)('$drill: restore after a kill at $phase of $step', async (killCase) => {
    const twin = await startTwin({ faults: parseFaults('') });
    try {
      // A YAML document edited in place for the test
      const stack = parse(readFileSync(twin.stackFile, 'utf8')) as Record<string, any>;
      killCase.tweak?.(stack);
      const dir = mkdtempSync(join(scratch, `${killCase.drill}-`));
      const config = join(dir, 'stack.yaml');
      writeFileSync(config, stringify(stack));
      const journal = join(dir, '.labdrill', 'journal.jsonl');
      const child = spawn(process.execPath, [bin, 'drill', killCase.drill, '--config', config, '--chaos'], {
        cwd: dir,
        env: { ...process.env, ...twin.awsEnv, NO_COLOR: '1' },
        stdio: 'ignore',
        detached: true,
      });
      await waitFor(
        `${killCase.phase} of ${killCase.step}`,
        () =>
          journalEntries(journal).some((e) => e.step.startsWith(killCase.step) && e.phase === killCase.phase),
        120_000,
        child,
      );
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
      const restored = await labdrill(['restore', '--config', config, '--journal', journal], {
        env: twin.awsEnv,
      });
      expect(restored.code, restored.stdout + restored.stderr).toBe(0);
      await killCase.check(twin, restored.stdout);
      const again = await labdrill(['restore', '--config', config, '--journal', journal], {
        env: twin.awsEnv,
      });
      expect(again.stdout).toMatch(/nothing to restore/);
    } finally {
      await twin.stop();
    }
  });
});
