import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkIds } from '../../suites/catalog.ts';
import { idsWithVerdict, labdrill, readReport } from './labdrillCommand.ts';

// The project's main self-test: the healthy twin passes every check, and each fault fails exactly the
// checks that it breaks — no misses, no false alarms. Each row runs the real `labdrill demo` command.

const expectedFailures: Record<string, string[]> = {
  '': [],
  's3-no-policy': ['cf.cache.hit', 's3.website.public-read'],
  's3-bpa-on': ['cf.cache.hit', 's3.website.public-read'],
  'cf-no-cache': ['cf.cache.hit'],
  'alb-one-az': ['alb.round-robin'],
  'alb-sticky': ['alb.round-robin'],
  'instance-db-error': ['ec2.app.page'],
  'dns-no-cname': ['dns.custom-domain'],
  'efs-not-shared': ['efs.shared'],
  'nat-one-az': ['net.routes'],
  'instance-public-ip': ['net.private.no-public-ip'],
  'sg-open-world': ['net.sg.least-privilege'],
  'rds-single-az': ['rds.multi-az'],
  'rds-public': ['rds.multi-az'],
  'alb-in-private-subnets': ['alb.placement'],
  'asg-one-subnet': ['asg.config'],
  // The ALB sends nothing to an unhealthy target, so traffic no longer reaches both AZs either.
  'target-unhealthy': ['alb.round-robin', 'alb.targets.healthy'],
  // A share of control-plane calls is throttled; the SDK's retries must absorb it and change no verdict.
  'aws-throttle': [],
};

const outRoot = mkdtempSync(join(tmpdir(), 'labdrill-matrix-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe('fault matrix', () => {
  it.concurrent.each(Object.entries(expectedFailures))(
    'fault "%s" fails exactly its checks',
    async (fault, failures) => {
      const out = join(outRoot, fault || 'healthy');
      const args = ['demo', '--out', out, ...(fault ? ['--fault', fault] : [])];
      const result = await labdrill(args);
      const report = readReport(out);
      expect(idsWithVerdict(report, ['fail', 'error']), result.stdout).toEqual(failures);
      expect(result.code).toBe(failures.length > 0 ? 1 : 0);
      expect(report.twin).toEqual({ faults: fault ? [fault] : [] });
      // Every check in the catalog ran and reached a verdict: nothing silently missing.
      expect(report.checks.map((c) => c.id).sort()).toEqual([...checkIds].sort());
      expect(idsWithVerdict(report, ['pass', 'skip']).length + failures.length).toBe(checkIds.length);
    },
  );
});
