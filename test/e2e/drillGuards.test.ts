import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { twinForTests } from '../twinForTests.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// A drill needs both opt-ins (--chaos and chaos.allow: true) and, on AWS, the expected account; refused,
// it says why and changes nothing.

const lab = twinForTests();
let policyBefore: string | null;
const dir = mkdtempSync(join(tmpdir(), 'labdrill-guards-'));

beforeAll(async () => {
  policyBefore = lab.twin.state.bucket.policy;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

function variant(name: string, change: (stack: Record<string, any>) => void): string {
  // A YAML document edited in place for the test
  const stack = parse(readFileSync(lab.twin.stackFile, 'utf8')) as Record<string, any>;
  change(stack);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(stack));
  return path;
}

const drillArgs = (config: string, out: string, ...extra: string[]) => [
  'drill',
  's3-deny-then-allow',
  '--config',
  config,
  '--out',
  join(dir, out),
  ...extra,
];

describe('drill guards', () => {
  it('refuses without --chaos, as bad input, before anything runs', async () => {
    const result = await labdrill(drillArgs(lab.twin.stackFile, 'no-flag'), { env: lab.twin.awsEnv });
    expect(result.code, result.explain()).toBe(2);
    expect(result.stderr).toMatch(/add --chaos to confirm/);
    expect(lab.twin.state.bucket.policy).toBe(policyBefore);
  });

  it('refuses when the stack file does not allow drills', async () => {
    const config = variant('not-allowed', (stack) => {
      stack.chaos = { allow: false };
    });
    const result = await labdrill(drillArgs(config, 'not-allowed', '--chaos'), { env: lab.twin.awsEnv });
    expect(result.code, result.explain()).toBe(1);
    const check = readReport(join(dir, 'not-allowed'), result).checks[0]!;
    expect(check.verdict).toBe('error');
    expect(check.reason).toMatch(/refused: the stack file does not allow drills: set chaos\.allow: true/);
    expect(check.errorCode).toBe('chaos.refused');
    expect(lab.twin.state.bucket.policy).toBe(policyBefore);
  });

  it('refuses against an account other than aws.expectAccount, naming both', async () => {
    const config = variant('wrong-account', (stack) => {
      stack.aws.expectAccount = '999999999999';
    });
    const result = await labdrill(drillArgs(config, 'wrong-account', '--chaos'), { env: lab.twin.awsEnv });
    expect(result.code, result.explain()).toBe(1);
    const check = readReport(join(dir, 'wrong-account'), result).checks[0]!;
    expect(check.verdict).toBe('error');
    expect(check.reason).toMatch(/123456789012/);
    expect(check.reason).toMatch(/999999999999/);
    expect(check.errorCode).toBe('chaos.refused');
    expect(lab.twin.state.bucket.policy).toBe(policyBefore);
  });

  it('refuses when aws.expectAccount is not set', async () => {
    const config = variant('no-account', (stack) => {
      delete stack.aws.expectAccount;
    });
    const result = await labdrill(drillArgs(config, 'no-account', '--chaos'), { env: lab.twin.awsEnv });
    expect(result.code, result.explain()).toBe(1);
    expect(readReport(join(dir, 'no-account'), result).checks[0]!.reason).toMatch(/set aws\.expectAccount/);
  });

  it('prints the plan on --dry-run and touches nothing', async () => {
    const result = await labdrill(drillArgs(lab.twin.stackFile, 'dry-run', '--dry-run'), {
      env: lab.twin.awsEnv,
    });
    expect(result.code, result.explain()).toBe(0);
    const check = readReport(join(dir, 'dry-run'), result).checks[0]!;
    expect(check.verdict).toBe('skip');
    expect(check.reason).toMatch(/dry run, nothing changed; plan: 1\. delete-bucket-policy \(undo: /);
    expect(check.errorCode).toBe('dry-run');
    expect(lab.twin.state.bucket.policy).toBe(policyBefore);
  });

  it('skips every drill on a run without --chaos, saying why', async () => {
    const out = join(dir, 'plain-run');
    const result = await labdrill(
      ['run', '--config', lab.twin.stackFile, '--out', out, '--only', 's3.website.deny-then-allow'],
      { env: lab.twin.awsEnv },
    );
    const check = readReport(out, result).checks[0]!;
    expect(check.verdict).toBe('skip');
    expect(check.reason).toMatch(/runs only with --chaos/);
    expect(check.errorCode).toBe('chaos.off');
  });
});
