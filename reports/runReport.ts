import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckResult, RunReport, Verdict } from './evidence.ts';

export interface RunFacts {
  version: string;
  stackName: string;
  region: string | null;
  stackFile: string;
  startedAt: Date;
  endedAt: Date;
  only: string[] | null;
  chaos: boolean;
  twinFaults: string[] | null;
  order: readonly string[];
}

export function buildRunReport(results: readonly CheckResult[], facts: RunFacts): RunReport {
  const rank = (id: string) => {
    const index = facts.order.indexOf(id);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  const checks = [...results].sort((a, b) => rank(a.id) - rank(b.id));
  const summary: Record<Verdict, number> & { total: number } = {
    pass: 0,
    fail: 0,
    error: 0,
    skip: 0,
    total: 0,
  };
  for (const result of checks) {
    summary[result.verdict] += 1;
    summary.total += 1;
  }
  return {
    schema: 'labdrill.report/1',
    labdrill: { version: facts.version },
    stack: { name: facts.stackName, region: facts.region, file: facts.stackFile },
    startedAt: facts.startedAt.toISOString(),
    endedAt: facts.endedAt.toISOString(),
    durationMs: facts.endedAt.getTime() - facts.startedAt.getTime(),
    options: { only: facts.only, chaos: facts.chaos },
    twin: facts.twinFaults ? { faults: facts.twinFaults } : null,
    summary,
    checks,
  };
}

/** 0 when every check passed or was skipped, 1 otherwise (the CI gate). */
export function exitCodeFor(report: RunReport): 0 | 1 {
  return report.summary.fail + report.summary.error > 0 ? 1 : 0;
}

export async function writeReportJson(report: RunReport, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'report.json');
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
