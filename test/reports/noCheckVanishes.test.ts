import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import { missingVerdicts } from '../../cli/missingVerdicts.ts';
import { CheckCollector } from '../../reports/checkCollector.ts';
import { renderJunitXml } from '../../reports/junitXml.ts';
import { buildRunReport, exitCodeFor } from '../../reports/runReport.ts';
import { catalog, catalogEntry } from '../../suites/catalog.ts';

// A check that crashes its worker still appears in the report: a real vitest run whose suite kills its own
// worker process mid-check (SIGKILL), collected as labdrill collects a run, leaves error records for both of its checks.

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('no check vanishes', () => {
  it('turns a worker that died mid-check into error records, counted by the exit code', async () => {
    const collector = new CheckCollector();
    const startedAt = new Date();
    const vitest = await startVitest(
      'test',
      ['test/reports/crashingSuite/worker-crash.suite.ts'],
      {
        root,
        config: false,
        include: ['test/reports/crashingSuite/*.suite.ts'],
        reporters: [collector],
        watch: false,
        pool: 'forks',
        passWithNoTests: true,
      },
      {},
    );
    await vitest.close();
    process.exitCode = 0; // vitest sets it for the crashed run; this test judges the records instead
    expect(collector.results).toEqual([]);
    const records = missingVerdicts({
      expected: [catalogEntry('cf.origin'), catalogEntry('cf.speedup')],
      results: collector.results,
      unjudged: collector.unjudged,
      runErrors: collector.runErrors,
      startedAt,
      budgetOf: () => 60,
    });
    expect(records.map((r) => [r.id, r.verdict, r.errorCode])).toEqual([
      ['cf.origin', 'error', 'internal'],
      ['cf.speedup', 'error', 'internal'],
    ]);
    for (const record of records)
      expect(record.reason).toMatch(/never reported a verdict: .*Worker forks emitted error/);
    const report = buildRunReport(records, {
      version: '0',
      stackName: 's',
      region: null,
      stackFile: 's.yaml',
      startedAt,
      endedAt: new Date(),
      only: null,
      chaos: false,
      twinFaults: null,
      order: catalog.map((e) => e.id),
    });
    expect(exitCodeFor(report)).toBe(1);
    expect(renderJunitXml(report)).toContain('<testcase name="cf.origin"');
  });
});
