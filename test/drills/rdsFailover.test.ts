import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults } from '../../config/defaults.ts';
import { auroraFailoverDrill } from '../../drills/auroraFailover.ts';
import { runDrill } from '../../drills/experiment.ts';
import type { FailoverDrillTarget } from '../../drills/failover/failoverTarget.ts';
import { rdsFailoverDrill } from '../../drills/rdsFailover.ts';
import { type TwinPace, twinPaces } from '../../fixtures/twin/pace.ts';
import type { RunningTwin } from '../../fixtures/twin/startTwin.ts';
import { type AwsClients, createAwsClients } from '../../probes/aws/awsClients.ts';
import { EvidenceRecorder } from '../../reports/evidence.ts';
import { twinsForTests } from '../twinForTests.ts';

// The drills through the real SDK against the twin's control plane and DNS server. The twin's endpoint
// records point at simulated lab addresses (10.1.x.x) that must not be contacted, so the TCP and SQL
// observers are off here; the real-database side is covered by test/probes/failover.

let workDir = '';
const clientSets: AwsClients[] = [];

async function twinWith(
  faults: string[] = [],
  pace: TwinPace = twinPaces.fast,
): Promise<{ twin: RunningTwin; clients: AwsClients }> {
  const twin = await startTwinWith(faults.join(','), { workDir, pace });
  Object.assign(process.env, twin.awsEnv);
  const clients = createAwsClients(twin.stack);
  clientSets.push(clients);
  return { twin, clients };
}

function target(twin: RunningTwin): FailoverDrillTarget {
  return {
    sqlFor: () => 'rds.sql is not set in the stack file',
    resolver: twin.stack.dns!.resolver!,
    appUrl: twin.stack.alb!.url!,
    http: { timeoutMs: 2000, retries: 0, maxBodyBytes: 65_536 },
    watch: {
      ...defaults.failoverWatch,
      rtoS: 20,
      observeS: 20,
      warmupMs: 500,
      tailMs: 300,
      statusEveryMs: 250,
      tcpProbe: false,
    },
  };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'labdrill-rds-drill-'));
});

afterAll(async () => {
  for (const clients of clientSets) clients.destroy();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

// After the hook above: after-all hooks run last first, so the twins stop before their work dir goes.
const startTwinWith = twinsForTests();

describe('rds.failover.drill against the twin', () => {
  it('passes on the Multi-AZ instance: DNS moves to the standby, AZs swap, events recorded', async () => {
    const { twin, clients } = await twinWith();
    const db = twin.state.rdsInstance('lab-vpc-rds')!;
    const primaryIp = db.primary.privateIp;
    const standbyIp = db.standby!.privateIp;
    const evidence = new EvidenceRecorder();
    const result = await runDrill(
      rdsFailoverDrill({ ...target(twin), instance: 'lab-vpc-rds', replica: 'lab-vpc-rds-rr' }),
      { journal: join(workDir, 'journal-pass.jsonl'), clients, evidence, handleProcessSignals: false },
    );
    expect(result.outcome.verdict, result.outcome.reason).toBe('pass');
    expect(result.outcome.reason).toContain(`from ${primaryIp}`);
    expect(result.outcome.reason).toContain(`to ${standbyIp}`);
    expect(result.result?.expectedAddress).toBe(standbyIp);
    expect(result.result?.after?.az).toBe(result.result?.before.secondaryAz);
    expect(result.result?.events.map((e) => e.id)).toEqual(
      expect.arrayContaining(['RDS-EVENT-0013', 'RDS-EVENT-0015', 'RDS-EVENT-0049']),
    );
    expect(evidence.evidence.measurements.map((m) => m.name)).toContain('DNS swap after the failover call');
    // After the rollback the steady state is checked again: the instance is available, the app healthy.
    expect(evidence.evidence.data.steadyStateAfter).toEqual({ met: true });
    expect(evidence.evidence.timeline.map((e) => e.label)).toContain('steady state after the rollback: met');
    // The journal holds the failover with its nothing-to-put-back undo.
    expect(result.plan.map((p) => p.undo.type)).toEqual(['none']);
    expect(result.rolledBack[0]?.message).toMatch(/nothing to put back/);
  }, 45_000);

  it('measures a recovery slower than the RTO but inside the window, and fails it with the figure', async () => {
    const { twin, clients } = await twinWith();
    const evidence = new EvidenceRecorder();
    // A twin failover takes about 2 s: over a 0.5 s target, well inside a 20 s window.
    const slow = target(twin);
    const result = await runDrill(
      rdsFailoverDrill({ ...slow, watch: { ...slow.watch, rtoS: 0.5 }, instance: 'lab-vpc-rds' }),
      { journal: join(workDir, 'journal-slow.jsonl'), clients, evidence, handleProcessSignals: false },
    );
    expect(result.outcome.verdict, result.outcome.reason).toBe('fail');
    const measured = /^recovered in (\d+\.\d) s, over the 0\.5 s target \(thresholds\.failoverRtoS\)$/.exec(
      result.outcome.reason,
    );
    expect(measured, result.outcome.reason).not.toBeNull();
    expect(Number(measured![1])).toBeGreaterThan(0.5);
    expect(Number(measured![1])).toBeLessThan(20);
    // Everything else of the failover happened and was measured: DNS moved, the AZs swapped.
    expect(result.result?.after?.az).toBe(result.result?.before.secondaryAz);
    expect(evidence.evidence.measurements.map((m) => m.name)).toContain('DNS swap after the failover call');
  }, 45_000);

  it('ends as an error that says when to try again when RDS abandons a failover soon after another', async () => {
    // RDS-EVENT-0034: the twin refuses a forced failover within two minutes of the last one.
    const { twin, clients } = await twinWith([], { ...twinPaces.fast, rdsFailoverRefusedWithinMs: 120_000 });
    const drill = () => rdsFailoverDrill({ ...target(twin), instance: 'lab-vpc-rds' });
    const first = await runDrill(drill(), {
      journal: join(workDir, 'journal-first.jsonl'),
      clients,
      handleProcessSignals: false,
    });
    expect(first.outcome.verdict, first.outcome.reason).toBe('pass');
    const primaryIp = twin.state.rdsInstance('lab-vpc-rds')!.primary.privateIp;
    const second = await runDrill(drill(), {
      journal: join(workDir, 'journal-second.jsonl'),
      clients,
      handleProcessSignals: false,
    });
    expect(second.outcome.verdict, second.outcome.reason).toBe('error');
    expect(second.outcome.errorCode).toBe('rds.failover-refused');
    expect(second.outcome.reason).toMatch(
      /^RDS abandoned the failover of lab-vpc-rds because another one happened recently \(RDS-EVENT-0034: "Abandoning user requested failover.*"\); it only rebooted the primary, so nothing was measured\. Try again after \d\d:\d\d:\d\d UTC$/,
    );
    expect(second.outcome.reason).not.toMatch(/DNS did not move/);
    // Nothing moved: the primary is where the first failover put it.
    expect(twin.state.rdsInstance('lab-vpc-rds')!.primary.privateIp).toBe(primaryIp);
  }, 60_000);

  it('fails on a Single-AZ instance with the error RDS gives, and says to turn on Multi-AZ', async () => {
    const { twin, clients } = await twinWith(['rds-single-az']);
    const result = await runDrill(rdsFailoverDrill({ ...target(twin), instance: 'lab-vpc-rds' }), {
      journal: join(workDir, 'journal-single.jsonl'),
      clients,
      handleProcessSignals: false,
    });
    expect(result.outcome.verdict).toBe('fail');
    expect(result.outcome.reason).toMatch(
      /lab-vpc-rds is a Single-AZ instance: RDS refuses a reboot with failover/,
    );
    expect(result.outcome.reason).toMatch(/InvalidParameterCombination|not a Multi-AZ/);
    expect(result.outcome.fix).toMatch(/turn on Multi-AZ/);
  }, 45_000);

  it('aurora.failover.drill skips when there is no Aurora cluster', async () => {
    const { twin, clients } = await twinWith();
    const result = await runDrill(auroraFailoverDrill({ ...target(twin), cluster: 'lab-aurora' }), {
      journal: join(workDir, 'journal-aurora.jsonl'),
      clients,
      handleProcessSignals: false,
    });
    expect(result.outcome).toMatchObject({ verdict: 'skip' });
    expect(result.outcome.reason).toMatch(/no Aurora cluster named lab-aurora/);
    expect(result.plan).toEqual([]);
  }, 45_000);
});
