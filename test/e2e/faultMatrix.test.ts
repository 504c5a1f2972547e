import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { faultRegistry } from '../../fixtures/twin/faults.ts';
import type { RunReport } from '../../reports/evidence.ts';
import { catalog, catalogEntry, checkIds } from '../../suites/catalog.ts';
import { type CommandResult, idsWithVerdict, labdrill, readReport } from './labdrillCommand.ts';

// The project's main self-test: the healthy twin passes every check, and each fault fails exactly the
// checks that it breaks — no misses, no false alarms. Each row runs the real `labdrill demo` command.

/** Without --chaos: every probe runs, every drill is skipped. */
const probeFailures: Record<string, string[]> = {
  '': [],
  // Without a usable public-read policy the website is not public, and the policy check says why.
  's3-no-policy': ['cf.cache.hit', 's3.policy.least-privilege', 's3.website.public-read'],
  's3-bpa-on': ['cf.cache.hit', 's3.policy.least-privilege', 's3.website.public-read'],
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
  // A failover and a launch happen only in drills: without --chaos nothing shows these two.
  'failover-no-dns-swap': [],
  'launch-broken': [],
  'replica-lag=5s': ['rds.replica.lag'],
  'replica-stopped': ['rds.replica.lag'],
  'asg-no-policy': ['asg.config'],
  'asg-max-equals-min': ['asg.config'],
  'asg-not-attached': ['asg.config'],
};

/** With --chaos, only the drills and the observation that follows them. */
const drillPhase = catalog.filter((entry) => entry.kind === 'drill' || entry.afterDrills).map((e) => e.id);
const drillFailures: Record<string, string[]> = {
  '': [],
  's3-no-policy': ['s3.website.deny-then-allow'],
  'rds-single-az': ['rds.failover.drill'],
  'failover-no-dns-swap': ['aurora.failover.drill', 'rds.failover.drill'],
  'asg-no-policy': ['asg.scale-out.drill'],
  'asg-max-equals-min': ['asg.scale-out.drill'],
  // The group's new instances never join the target group, so the ALB never sees a replacement either.
  'asg-not-attached': ['asg.scale-out.drill', 'asg.self-heal.drill'],
  'launch-broken': ['asg.scale-out.drill', 'asg.self-heal.drill'],
};

// Each row's command is bounded, and the test waits a little longer than that bound, so that a slow row
// fails with what the command printed rather than with vitest's bare timeout. A drill row runs every drill
// of the catalog: failover-no-dns-swap watches both failovers for their whole window.
const probeRowMs = 240_000;
const drillRowMs = 300_000;
const reportMarginMs = 15_000;

const outRoot = mkdtempSync(join(tmpdir(), 'labdrill-matrix-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** The reasons behind the verdicts that did not pass, and what the command printed, for the message. */
function whyFailed(report: RunReport, result: CommandResult): string {
  const reasons = report.checks
    .filter((check) => check.verdict === 'fail' || check.verdict === 'error')
    .map((check) => `${check.id}: ${check.reason}`);
  return [...reasons, result.explain()].join('\n');
}

function faultNames(fault: string): string[] {
  return fault ? [fault.split('=')[0]!] : [];
}

describe('fault matrix', () => {
  it('covers every fault the twin knows', () => {
    expect(Object.keys(probeFailures).flatMap(faultNames).sort()).toEqual(
      faultRegistry.map((f) => f.name).sort(),
    );
  });

  it.concurrent.each(Object.entries(probeFailures))(
    'fault "%s" fails exactly its checks',
    async (fault, failures) => {
      const out = join(outRoot, `probes-${fault || 'healthy'}`);
      const result = await labdrill(['demo', '--out', out, ...(fault ? ['--fault', fault] : [])], {
        timeoutMs: probeRowMs,
      });
      const report = readReport(out, result);
      expect(idsWithVerdict(report, ['fail', 'error']), whyFailed(report, result)).toEqual(failures);
      expect(result.code, result.explain()).toBe(failures.length > 0 ? 1 : 0);
      expect(report.twin).toEqual({ faults: faultNames(fault) });
      // Every check in the catalog ran and reached a verdict: nothing silently missing.
      expect(report.checks.map((c) => c.id).sort()).toEqual([...checkIds].sort());
      // Every error and skip says what kind it is; without --chaos the drills are skipped as not asked for.
      for (const check of report.checks.filter((c) => c.verdict === 'error' || c.verdict === 'skip')) {
        expect(check.errorCode, check.id).toBeDefined();
      }
      for (const id of drillPhase.filter((id) => catalogEntry(id).kind === 'drill')) {
        expect(report.checks.find((c) => c.id === id)?.errorCode, id).toBe('chaos.off');
      }
    },
    probeRowMs + reportMarginMs,
  );
});

// Drills break the twin on purpose and load its CPU: one row at a time.
describe.sequential('fault matrix, drills', () => {
  it.each(Object.entries(drillFailures))(
    'fault "%s" fails exactly its drills',
    async (fault, failures) => {
      const out = join(outRoot, `drills-${fault || 'healthy'}`);
      const args = [
        'demo',
        '--chaos',
        '--only',
        drillPhase.join(','),
        '--out',
        out,
        ...(fault ? ['--fault', fault] : []),
      ];
      const result = await labdrill(args, { timeoutMs: drillRowMs });
      const report = readReport(out, result);
      expect(idsWithVerdict(report, ['fail', 'error']), whyFailed(report, result)).toEqual(failures);
      expect(result.code, result.explain()).toBe(failures.length > 0 ? 1 : 0);
      expect(report.checks.map((c) => c.id).sort()).toEqual([...drillPhase].sort());
      if (!fault) expect(idsWithVerdict(report, ['skip'])).toEqual([]);
    },
    drillRowMs + reportMarginMs,
  );
});
