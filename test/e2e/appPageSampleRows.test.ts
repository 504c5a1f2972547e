import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { labSampleRows } from '../../fixtures/twin/appInstance.ts';
import { parseFaults } from '../../fixtures/twin/faults.ts';
import { startTwin } from '../../fixtures/twin/startTwin.ts';
import type { CheckResult } from '../../reports/evidence.ts';
import { twinForTests } from '../twinForTests.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// ec2.app.page against the twin's real MariaDB: the pages' SAMPLE rows are compared with the table on the
// primary (read through rds.sql), and a stack file's expect.sampleRows raises the bar; the instances it
// expects to answer are those AWS registers.

const lab = twinForTests();
const out = mkdtempSync(join(tmpdir(), 'labdrill-sample-rows-'));

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
});

async function appPage(name: string, config = lab.twin.stackFile): Promise<CheckResult> {
  const dir = join(out, name);
  const result = await labdrill(['run', '--config', config, '--only', 'ec2.app.page', '--out', dir], {
    env: lab.twin.awsEnv,
  });
  const check = readReport(dir, result).checks.find((c) => c.id === 'ec2.app.page');
  if (!check) throw new Error(`no ec2.app.page in the report\n${result.explain()}`);
  return check;
}

const partOf = (check: CheckResult, name: string) => check.evidence.parts.find((p) => p.name === name);

describe.sequential("ec2.app.page and the database's SAMPLE rows", () => {
  it('passes pages that show the rows of the database', async () => {
    const check = await appPage('healthy');
    expect(check.verdict, check.reason).toBe('pass');
    expect(partOf(check, 'sample-rows')).toEqual({
      name: 'sample-rows',
      passed: true,
      detail: 'every page shows the same 2 SAMPLE row(s), the same as table SAMPLE in the database',
    });
  });

  it('fails pages that leave a row of the database out, or show one it does not hold', async () => {
    lab.twin.setSampleRowSource(async () => labSampleRows.slice(0, 1));
    const missing = await appPage('missing');
    expect(missing.verdict).toBe('fail');
    expect(missing.reason).toMatch(
      /^http:\/\/\S+ does not show 1 of the 2 SAMPLE row\(s\) in the database: ID 2 \(PARK, SUWON\)$/,
    );
    expect(missing.fix).toContain('index.php must list every row of SAMPLE');
    expect(partOf(missing, 'sample-rows')?.passed).toBe(false);
    // The other parts stand: the pages still show their metadata, no error, and every instance answered.
    expect(missing.evidence.parts.filter((p) => !p.passed).map((p) => p.name)).toEqual(['sample-rows']);

    lab.twin.setSampleRowSource(async () => [...labSampleRows, [9, 'TEST', 'NOWHERE']]);
    const extra = await appPage('extra');
    expect(extra.verdict).toBe('fail');
    expect(extra.reason).toMatch(
      /shows SAMPLE row\(s\) that are not in the database: ID 9 \(TEST, NOWHERE\)$/,
    );
  });

  it("fails pages with fewer rows than the stack file's expect.sampleRows", async () => {
    lab.twin.setSampleRowSource(async () => labSampleRows);
    const config = join(out, 'expect-three-rows.yaml');
    writeFileSync(config, stringify({ ...lab.twin.stack, expect: { sampleRows: 3 } }));
    const check = await appPage('three-rows', config);
    expect(check.verdict).toBe('fail');
    expect(check.reason).toMatch(
      /^http:\/\/\S+ shows 2 SAMPLE row\(s\) with a NAME and ADDRESS; the lab expects at least 3 \(and 1 more problem\)$/,
    );
  });
});

describe('ec2.app.page and the instances AWS registers', () => {
  it('alb-sticky, reached through the ALB only: one of the two registered instances answers', async () => {
    const sticky = await startTwin({ faults: parseFaults('alb-sticky') });
    try {
      const config = join(out, 'alb-only.yaml');
      const { ec2: _direct, ...throughAlb } = sticky.stack;
      writeFileSync(config, stringify(throughAlb));
      const dir = join(out, 'alb-sticky');
      const result = await labdrill(['run', '--config', config, '--only', 'ec2.app.page', '--out', dir], {
        env: sticky.awsEnv,
      });
      const check = readReport(dir, result).checks.find((c) => c.id === 'ec2.app.page')!;
      expect(check.verdict, result.explain()).toBe('fail');
      expect(check.reason).toBe(
        'only 1 of 2 instance(s) answered (targets registered with the load balancer) through the ALB',
      );
      expect(check.evidence.parts.filter((p) => !p.passed).map((p) => p.name)).toEqual(['every-instance']);
    } finally {
      await sticky.stop();
    }
  });
});
