import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog } from '../../suites/catalog.ts';
import { twinForTests } from '../twinForTests.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// Credentials the stack refuses: every AWS check is an `error` that names the missing IAM action,
// the run still completes with exit 1, and no stack trace reaches the user.

const lab = twinForTests();
const out = mkdtempSync(join(tmpdir(), 'labdrill-denied-'));

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
});

describe('credentials without permission', () => {
  it('turns AccessDenied into error verdicts naming the IAM action', async () => {
    const env = { ...lab.twin.awsEnv, AWS_ACCESS_KEY_ID: 'AKIADENY0EXAMPLE0KEY' };
    const result = await labdrill(['run', '--config', lab.twin.stackFile, '--out', out], { env });
    expect(result.code, result.explain()).toBe(1);
    expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    const report = readReport(out, result);
    // asg.scale-in.observe is a long observation that skips unless asked for, before any call.
    const awsProbes = catalog
      .filter(
        (entry) =>
          entry.kind === 'probe' && entry.needs.includes('aws') && entry.id !== 'asg.scale-in.observe',
      )
      .map((e) => e.id);
    const verdicts = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    for (const id of awsProbes) {
      expect(verdicts[id]?.verdict, id).toBe('error');
      expect(verdicts[id]?.errorCode, id).toBe('aws.access-denied');
      expect(verdicts[id]?.reason, id).toMatch(
        /missing IAM permission (ec2|elasticloadbalancing|autoscaling|rds|s3|cloudfront|elasticfilesystem|cloudwatch):[A-Za-z]+/,
      );
    }
    // Data-plane checks do not need AWS and are unaffected.
    expect(verdicts['s3.website.public-read']?.verdict).toBe('pass');
    expect(verdicts['alb.round-robin']?.verdict).toBe('pass');
  });
});
