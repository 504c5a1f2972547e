import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { twinPaces } from '../../fixtures/twin/pace.ts';
import type { CheckResult } from '../../reports/evidence.ts';
import { labdrill, readReport } from '../e2e/labdrillCommand.ts';
import { labdrillTables } from '../e2e/labdrillTables.ts';
import { twinForTests } from '../twinForTests.ts';

// The drills against a twin at AWS's own pace, with labdrill's default thresholds: a target-tracking
// scale-out of several minutes, a Multi-AZ failover of 60–120 s with a late AZ swap, and a self-heal that
// waits for ELB's 30 s health checks. Each must pass, and what it measured must match what the twin did.

const lab = twinForTests({ pace: twinPaces.aws });
const dir = mkdtempSync(join(tmpdir(), 'labdrill-aws-pace-'));
const drills = ['asg.scale-out.drill', 'rds.failover.drill', 'asg.self-heal.drill'];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

function measurement(check: CheckResult, name: string): number {
  const found = check.evidence.measurements.find((m) => m.name === name);
  if (!found || typeof found.value !== 'number') {
    throw new Error(`${check.id} has no measurement ${name}: ${JSON.stringify(check.evidence.measurements)}`);
  }
  return found.value;
}

describe('drills at AWS pace', () => {
  it(
    'passes scale-out, failover and self-heal with the default thresholds, and measures what the twin did',
    async () => {
      const stack = parse(readFileSync(lab.twin.stackFile, 'utf8')) as Record<string, unknown>;
      // No shortened thresholds at AWS pace: labdrill's own defaults apply.
      expect(stack.thresholds).toBeUndefined();
      const journal = join(dir, 'journal.jsonl');
      const config = join(dir, 'stack.yaml');
      writeFileSync(config, stringify({ ...stack, chaos: { allow: true, journal } }));
      // Without asg.scale-in.observe in the run, the scale-out drill puts the group back itself.
      const out = join(dir, 'out');
      const startedAt = Date.now();
      const result = await labdrill(
        ['run', '--config', config, '--chaos', '--only', drills.join(','), '--out', out],
        { env: lab.twin.awsEnv, timeoutMs: 38 * 60_000 },
      );
      const report = readReport(out, result);
      const byId = new Map(report.checks.map((c) => [c.id, c]));
      for (const id of drills) {
        const check = byId.get(id);
        expect(check?.verdict, `${id}: ${check?.reason}\n${result.explain()}`).toBe('pass');
      }
      expect(result.code, result.explain()).toBe(0);

      // The failover: labdrill's figure for the DNS swap against the twin's own record of it.
      const failovers = lab.twin.database.groundTruth().failovers;
      expect(failovers).toHaveLength(1);
      const truth = failovers[0]!;
      const switchedAfterS = (truth.dnsSwitchedAt! - truth.startedAt) / 1000;
      expect(switchedAfterS).toBeGreaterThanOrEqual(55);
      const failover = byId.get('rds.failover.drill')!;
      const swapS = measurement(failover, 'DNS swap after the failover call');
      expect(
        Math.abs(swapS - switchedAfterS),
        `measured ${swapS} s, the twin switched after ${switchedAfterS} s`,
      ).toBeLessThan(5);
      expect(measurement(failover, 'acknowledged writes lost')).toBe(0);

      // The scale-out at AWS's pace: three one-minute datapoints above the target, two minutes late, before
      // the alarm; a one-minute launch; five health checks 30 s apart before the new targets are healthy.
      const scaleOut = byId.get('asg.scale-out.drill')!;
      expect(measurement(scaleOut, 'alarm after load start')).toBeGreaterThanOrEqual(180);
      const launchS =
        measurement(scaleOut, 'instance InService after load start') -
        measurement(scaleOut, 'instance launched after load start');
      expect(launchS).toBeGreaterThan(50);
      expect(launchS).toBeLessThan(75);
      const healthS =
        measurement(scaleOut, 'healthy in target group after load start') -
        measurement(scaleOut, 'instance InService after load start');
      expect(healthS).toBeGreaterThanOrEqual(4 * 30 - 5);
      const launches = lab.twin.state.autoScalingGroup.activities.filter(
        (a) => a.startTime.getTime() >= startedAt && /AlarmHigh/.test(a.cause),
      );
      expect(launches.length).toBeGreaterThanOrEqual(2);

      // The self-heal: a replacement launched and healthy behind ELB's default health checks.
      const selfHeal = byId.get('asg.self-heal.drill')!;
      expect(
        measurement(selfHeal, 'replacement time (loss → healthy in target group)'),
      ).toBeGreaterThanOrEqual(60 + 4 * 30);

      // Every drill put the stack back: nothing pending, the group at its size, the same writer AZ as after.
      const restore = await labdrill(['restore', '--config', config, '--journal', journal], {
        env: lab.twin.awsEnv,
      });
      expect(restore.code, restore.explain()).toBe(0);
      expect(lab.twin.state.autoScalingGroup.desiredCapacity).toBe(2);
      // The failover's heartbeat table was journalled and dropped at the rollback.
      expect(await labdrillTables(lab.twin)).toEqual([]);
    },
    40 * 60_000,
  );
});
