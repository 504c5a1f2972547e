import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { startTwin } from '../../fixtures/twin/startTwin.ts';
import { twinForTests } from '../twinForTests.ts';
import { labdrill, readReport } from './labdrillCommand.ts';
import { labdrillTables } from './labdrillTables.ts';

// A check that runs past its budget (a small `budgets:` value in the stack file) is stopped: its verdict is
// error / budget-exceeded in every report format, the drill's rollback completed, `labdrill restore` finds
// nothing to do, and the stack reads as before. Alone (`labdrill drill`) and with a drill after it.

const lab = twinForTests();
let originalPolicy: string | null;
const dir = mkdtempSync(join(tmpdir(), 'labdrill-budgets-'));

beforeAll(async () => {
  await lab.twin.servers.loadBalancer.waitForHealthy({ timeoutMs: 10_000 });
  originalPolicy = lab.twin.state.bucket.policy;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

function stackWith(name: string, budgets: Record<string, number>): { config: string; journal: string } {
  // A YAML document edited in place for the test
  const stack = parse(readFileSync(lab.twin.stackFile, 'utf8')) as Record<string, any>;
  const journal = join(dir, `${name}.journal.jsonl`);
  stack.budgets = budgets;
  stack.chaos = { allow: true, journal };
  // The scale-in observation would watch the group the drill scaled out: here the rollback puts it back.
  stack.asg.observeScaleIn = false;
  const config = join(dir, `${name}.yaml`);
  writeFileSync(config, stringify(stack));
  return { config, journal };
}

/** The stack as it was before a drill: every kind's own reading of "back where it started". */
async function expectStackAsBefore(): Promise<void> {
  const deadline = Date.now() + 60_000;
  const rds = () => lab.twin.state.rds.instances.every((db) => db.status === 'available');
  const cluster = () => lab.twin.state.rds.clusters.every((c) => c.status === 'available');
  const group = () =>
    lab.twin.state.autoScalingGroup.desiredCapacity === 2 &&
    lab.twin.state.loadBalancer.targetGroup.targets.filter((t) => t.state === 'healthy').length >= 2;
  while (!(rds() && cluster() && group()) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect({ rds: rds(), cluster: cluster(), group: group() }).toEqual({
    rds: true,
    cluster: true,
    group: true,
  });
  expect(lab.twin.state.bucket.policy).toBe(originalPolicy);
  expect(await labdrillTables(lab.twin)).toEqual([]);
}

async function expectNothingToRestore(
  config: string,
  journal: string,
  env: Record<string, string> = lab.twin.awsEnv,
): Promise<void> {
  const restore = await labdrill(['restore', '--config', config, '--journal', journal], { env });
  expect(restore.code, restore.explain()).toBe(0);
  expect(restore.stdout).toMatch(/nothing to (restore|put back)|no pending/i);
}

function expectBudgetExceededEverywhere(out: string, id: string, budgetS: number): void {
  const check = readReport(out).checks.find((c) => c.id === id)!;
  expect(check.verdict).toBe('error');
  expect(check.errorCode).toBe('budget-exceeded');
  expect(check.budgetS).toBe(budgetS);
  expect(check.reason).toMatch(new RegExp(`ran past its budget of ${budgetS} s and was stopped; put back: `));
  const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
  expect(junit).toMatch(
    new RegExp(`<testcase name="${id.replace(/\./g, '\\.')}"[^>]*>\\s*<error message="\\[budget-exceeded\\]`),
  );
  expect(junit).toContain('type="budget-exceeded"');
  expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
    '<code class="code" title="error code">budget-exceeded</code>',
  );
}

describe('check budgets', () => {
  it('stops a scale-out drill run alone at its budget, rolls it back, and leaves desired capacity at 2', async () => {
    const { config, journal } = stackWith('alone', { 'asg.scale-out.drill': 6 });
    const out = join(dir, 'alone');
    const result = await labdrill(['drill', 'scale-out', '--config', config, '--chaos', '--out', out], {
      env: lab.twin.awsEnv,
    });
    expect(result.code, result.explain()).toBe(1);
    expect(result.stdout).toMatch(/\[budget-exceeded\]/);
    expectBudgetExceededEverywhere(out, 'asg.scale-out.drill', 6);
    await expectStackAsBefore();
    await expectNothingToRestore(config, journal);
  });

  // Each drill kind, alone: a budget that ends it inside its method, whose rollback then completes.
  for (const [name, id] of [
    ['rds-failover', 'rds.failover.drill'],
    ['aurora-failover', 'aurora.failover.drill'],
    ['self-heal', 'asg.self-heal.drill'],
  ] as const) {
    it(`stops ${id} run alone at its budget, rolls it back, and leaves the stack as it was`, async () => {
      await expectStackAsBefore();
      const { config, journal } = stackWith(`alone-${name}`, { [id]: 6 });
      const out = join(dir, `alone-${name}`);
      const result = await labdrill(['drill', name, '--config', config, '--chaos', '--out', out], {
        env: lab.twin.awsEnv,
      });
      expect(result.code, result.explain()).toBe(1);
      expectBudgetExceededEverywhere(out, id, 6);
      await expectStackAsBefore();
      await expectNothingToRestore(config, journal);
    });
  }

  it('stops s3.website.deny-then-allow at its budget mid-change and puts the bucket policy back', async () => {
    // The twin answers each AWS call after 3 s, so the budget (20 s, of which 5 s are kept for the
    // rollback) falls between the policy's removal (about 12 s in) and its restore (about 18 s in).
    const slow = await startTwin({ awsLatencyMs: 3000 });
    try {
      const policy = slow.state.bucket.policy;
      const stack = parse(readFileSync(slow.stackFile, 'utf8')) as Record<string, unknown>;
      const journal = join(dir, 's3.journal.jsonl');
      const config = join(dir, 's3.yaml');
      writeFileSync(
        config,
        stringify({
          ...stack,
          budgets: { 's3.website.deny-then-allow': 20 },
          chaos: { allow: true, journal },
        }),
      );
      const out = join(dir, 's3');
      const result = await labdrill(
        ['drill', 's3-deny-then-allow', '--config', config, '--chaos', '--out', out],
        {
          env: slow.awsEnv,
        },
      );
      expect(result.code, result.explain()).toBe(1);
      expectBudgetExceededEverywhere(out, 's3.website.deny-then-allow', 20);
      expect(readReport(out).checks[0]?.reason).toMatch(/put back: delete-bucket-policy$/);
      expect(slow.state.bucket.policy).toBe(policy);
      await expectNothingToRestore(config, journal, slow.awsEnv);
    } finally {
      await slow.stop();
    }
  });

  // A drill stopped at its budget, followed by another drill: the next one starts from a stack at rest.
  for (const id of ['asg.scale-out.drill', 'rds.failover.drill'] as const) {
    it(`stops ${id} at its budget and runs a self-heal after it on a stack at rest`, async () => {
      await expectStackAsBefore();
      const name = `followed-${id.split('.')[1]}`;
      const { config, journal } = stackWith(name, { [id]: 6 });
      const out = join(dir, name);
      const result = await labdrill(
        ['run', '--config', config, '--chaos', '--only', `${id},asg.self-heal.drill`, '--out', out],
        { env: lab.twin.awsEnv, timeoutMs: 100_000 },
      );
      expectBudgetExceededEverywhere(out, id, 6);
      const selfHeal = readReport(out, result).checks.find((c) => c.id === 'asg.self-heal.drill')!;
      expect(selfHeal.verdict, selfHeal.reason).toBe('pass');
      await expectStackAsBefore();
      await expectNothingToRestore(config, journal);
    });
  }

  it('stops a probe at its budget as an error, and shows every budget in labdrill checks', async () => {
    const { config } = stackWith('probe', { 'cf.speedup': 0.1 });
    const out = join(dir, 'probe');
    const result = await labdrill(
      ['run', '--config', config, '--only', 'cf.speedup,cf.origin', '--out', out],
      {
        env: lab.twin.awsEnv,
      },
    );
    expect(result.code, result.explain()).toBe(1);
    const checks = readReport(out, result).checks;
    expect(checks.map((c) => [c.id, c.verdict, c.errorCode ?? null])).toEqual([
      ['cf.origin', 'pass', null],
      ['cf.speedup', 'error', 'budget-exceeded'],
    ]);
    const listed = await labdrill(['checks', '--config', config]);
    expect(listed.stdout).toMatch(/^cf\.speedup\s+probe\s+http\s+0\.1 s /m);
    const defaults = await labdrill(['checks', '--json']);
    const budgets = Object.fromEntries(
      (JSON.parse(defaults.stdout) as { id: string; budgetS: number }[]).map((e) => [e.id, e.budgetS]),
    );
    // At AWS's pace: settle 450 s (a draining group) + scaleOutTimeoutS 900 s + the load's stop 120 s +
    // the cool-down 360 s + rollback 300 s.
    expect(budgets['asg.scale-out.drill']).toBe(2130);
    expect(budgets['asg.self-heal.drill']).toBe(1710);
    expect(budgets['asg.scale-in.observe']).toBe(1920);
    expect(budgets['rds.failover.drill']).toBe(540);
  });

  it('rejects a budget for a check that does not exist, in one line', async () => {
    const { config } = stackWith('unknown', { 'asg.scale-out.drll': 60 });
    const result = await labdrill(['run', '--config', config, '--out', join(dir, 'unknown')]);
    expect(result.code, result.explain()).toBe(2);
    expect(result.stderr.trim()).toBe(
      'labdrill: unknown.yaml: budgets.asg.scale-out.drll: no such check (did you mean asg.scale-out.drill?)',
    );
  });
});
