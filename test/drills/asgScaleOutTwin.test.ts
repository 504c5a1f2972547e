import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asgScaleOutDrill } from '../../drills/asgScaleOut.ts';
import { runDrill } from '../../drills/experiment.ts';
import { twinCredentials } from '../../fixtures/twin/aws/access.ts';
import { describeAutoScalingGroup } from '../../probes/aws/autoScaling.ts';
import { type AwsClients, createAwsClients } from '../../probes/aws/awsClients.ts';
import { twinForTests } from '../twinForTests.ts';

// The scale-out drill's wiring against the twin through the unchanged SDK: steady state, the journalled
// capacity undo, load through the ALB only, the group polled into series, and the rollback putting the
// sizes back. The verdict depends on how far the twin's elasticity goes, so it is not asserted here.

const lab = twinForTests();
let clients: AwsClients;
let dir: string;

beforeAll(async () => {
  clients = createAwsClients(lab.twin.stack, { credentials: twinCredentials });
  dir = mkdtempSync(join(tmpdir(), 'labdrill-scale-out-'));
});

afterAll(async () => {
  clients?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('asg.scale-out.drill on the twin', () => {
  it('loads only the ALB within its caps, records the series and puts the group back', async () => {
    const groupName = lab.twin.stack.asg?.name ?? '';
    const albUrl = lab.twin.stack.alb?.url ?? '';
    const before = await describeAutoScalingGroup(clients.autoScaling, groupName);
    const drill = asgScaleOutDrill({
      groupName,
      albUrl,
      reads: clients,
      timeoutS: 6,
      load: { connections: 8, maxRequests: 20_000 },
      http: { timeoutMs: 2_000, retries: 0, maxBodyBytes: 64 * 1024 },
      restoreCapacity: true,
    });
    const result = await runDrill(drill, {
      journal: join(dir, 'journal.jsonl'),
      clients,
      handleProcessSignals: false,
    });
    expect(['pass', 'fail', 'error']).toContain(result.outcome.verdict);
    expect(result.outcome.reason).not.toContain('could not be judged');
    expect(result.rolledBack.map((s) => [s.step, s.result])).toEqual([['load-through-alb', 'undone']]);
    expect(result.rolledBack[0]?.message).toContain(`set ${groupName} back to min ${before.MinSize}`);
    const seen = result.result!;
    expect(seen.load.requests).toBeGreaterThan(0);
    expect(seen.load.requests + seen.load.errors).toBeLessThanOrEqual(20_000 + 8);
    expect(seen.load.peakConnections).toBeLessThanOrEqual(8);
    expect(seen.original.desired).toBe(before.DesiredCapacity);
    const after = await describeAutoScalingGroup(clients.autoScaling, groupName);
    expect([after.MinSize, after.MaxSize]).toEqual([before.MinSize, before.MaxSize]);
    expect(after.DesiredCapacity).toBe(before.DesiredCapacity);
    // The rollback's timeline sits beside the drill's own series in the evidence it built.
    const labels = result.timeline.map((e) => e.label);
    expect(labels).toContain('load: start');
    expect(labels).toContain('scale-out: load stopped');
    // The steady state was checked again after the rollback, and the answer is in the evidence.
    expect(labels.filter((l) => l.startsWith('steady state after the rollback: '))).toHaveLength(1);
  });
});
