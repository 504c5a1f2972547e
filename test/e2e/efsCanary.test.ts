import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningTwin } from '../../fixtures/twin/startTwin.ts';
import { twinsForTests } from '../twinForTests.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// efs.shared writes a canary on the student's EFS and must leave nothing behind, whether the file system is
// shared (the last reader removes it as it reads it) or not (the writer removes its own copy).

const twins = twinsForTests({ auroraServers: false });
const dir = mkdtempSync(join(tmpdir(), 'labdrill-efs-canary-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Canary files left in any EFS directory the instances see (the shared one and each local one). */
function canariesLeft(twin: RunningTwin): string[] {
  const dirs = new Set(
    twin.state.allInstances().flatMap((i) => [twin.state.efsDirectoryFor(i), i.localEfsDir]),
  );
  return [...dirs].flatMap((efsDir) =>
    readdirSync(efsDir).filter((name) => name.startsWith('.labdrill-canary-')),
  );
}

describe('efs.shared', () => {
  it.concurrent.each([
    ['', 'pass', 'read and removed through '],
    ['efs-not-shared', 'fail', 'removed canary'],
  ])('leaves no canary behind (faults: "%s")', async (faults, verdict, lastEvent) => {
    const twin = await twins(faults);
    const out = join(dir, faults || 'healthy');
    const result = await labdrill(['run', '--config', twin.stackFile, '--only', 'efs.shared', '--out', out], {
      env: twin.awsEnv,
    });
    const check = readReport(out, result).checks.find((c) => c.id === 'efs.shared')!;
    expect(check.verdict, result.explain()).toBe(verdict);
    expect(check.evidence.timeline.at(-1)?.label).toContain(lastEvent);
    expect(canariesLeft(twin)).toEqual([]);
  });
});
