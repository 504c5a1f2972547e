import { join } from 'node:path';
import { BaseSequencer, startVitest, type TestSpecification } from 'vitest/node';
import { loadStackFile } from '../config/loadStack.ts';
import { settingsFor } from '../config/settings.ts';
import { journalPathFor } from '../drills/journal.ts';
import { knownHostsFileFor } from '../probes/exec/execForStack.ts';
import { CheckCollector } from '../reports/checkCollector.ts';
import type { CheckResult, RunReport } from '../reports/evidence.ts';
import { writeReportHtml } from '../reports/html/reportHtml.ts';
import { writeJunitXml } from '../reports/junitXml.ts';
import { buildRunReport, writeReportJson } from '../reports/runReport.ts';
import { catalog, checkIds, suiteFileOf } from '../suites/catalog.ts';
import { budgetFor } from '../suites/budgets.ts';
import { type RubricTerms, stackWithRubric } from '../suites/runContext.ts';
import { missingVerdicts } from './missingVerdicts.ts';
import { labdrillVersion, packageRoot } from './packageRoot.ts';

// `labdrill run`: validate, then start vitest on the suites with the collecting reporter. Probes run first,
// side by side; drills (only with --chaos and chaos.allow) run after them, one at a time, so that no probe
// measures a stack a drill is breaking on purpose.

export interface RunOptions {
  stackFile: string;
  only: string[] | null;
  chaos: boolean;
  outDir: string;
  twinFaults: string[] | null;
  /** --accept-new-host-key: trust an SSH host key not pinned yet, once, and record it. */
  acceptNewHostKey?: boolean;
  onCheck?: (result: CheckResult) => void;
  /** `--rubric`: the rubric's expectations and caps, which win over the stack file's (runContext.stackWithRubric). */
  rubricTerms?: RubricTerms;
}

export interface RunOutcome {
  report: RunReport;
  files: string[];
  runErrors: string[];
}

export async function executeRun(options: RunOptions): Promise<RunOutcome> {
  const stack = stackWithRubric(loadStackFile(options.stackFile), options.rubricTerms);
  const settings = settingsFor(stack);
  const startedAt = new Date();
  const chaos = options.chaos && stack.chaos?.allow === true;
  Object.assign(process.env, {
    LABDRILL_STACK: options.stackFile,
    LABDRILL_ONLY: options.only?.join(',') ?? '',
    LABDRILL_CHAOS: chaos ? '1' : '0',
    LABDRILL_CHAOS_REQUESTED: options.chaos ? '1' : '0',
    // Resolved here, in the user's directory: vitest's workers run in the package's directory.
    LABDRILL_JOURNAL: journalPathFor(stack),
    LABDRILL_KNOWN_HOSTS: knownHostsFileFor(stack),
    LABDRILL_ACCEPT_NEW_HOST_KEY: options.acceptNewHostKey ? '1' : '0',
    LABDRILL_RUBRIC_TERMS: options.rubricTerms ? JSON.stringify(options.rubricTerms) : '',
  });
  const collector = new CheckCollector({ ...(options.onCheck ? { onCheck: options.onCheck } : {}) });
  const chosen = catalog.filter((entry) => !options.only || options.only.includes(entry.id));
  const suiteFiles = [...new Set(chosen.map(suiteFileOf))];
  const probeFiles = suiteFiles.filter((file) => file.endsWith('.probes.ts'));
  const drillFiles = suiteFiles.filter((file) => file.endsWith('.drills.ts'));
  if (chaos) {
    await runVitestPhase(probeFiles, collector);
    await runVitestPhase(drillFiles, collector, 1);
  } else {
    // Without --chaos every drill only reports that it was skipped, which needs no phase of its own.
    await runVitestPhase(suiteFiles, collector);
  }
  const missing = missingVerdicts({
    expected: chosen,
    results: collector.results,
    unjudged: collector.unjudged,
    runErrors: collector.runErrors,
    startedAt,
    budgetOf: (entry) => budgetFor(entry, settings),
  });
  for (const result of missing) options.onCheck?.(result);
  const results = [...collector.results, ...missing];
  const report = buildRunReport(results, {
    version: labdrillVersion(),
    stackName: stack.name,
    region: stack.region ?? null,
    stackFile: options.stackFile,
    startedAt,
    endedAt: new Date(),
    only: options.only,
    chaos,
    twinFaults: options.twinFaults,
    order: checkIds,
  });
  const files = [
    writeReportJson(report, options.outDir),
    writeJunitXml(report, options.outDir),
    writeReportHtml(report, options.outDir),
  ];
  return { report, files, runErrors: collector.runErrors };
}

/**
 * Runs suite files in catalog order (S3, then RDS, then Auto Scaling …). For drills this matters: a drill
 * that leaves the group scaling (by design, or because the group is broken) must not decide the steady
 * state of a failover drill that came later only by chance.
 */
class CatalogOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const order = [...new Set(catalog.map(suiteFileOf))];
    const rank = (spec: TestSpecification) => {
      const index = order.findIndex((file) => spec.moduleId.endsWith(file));
      return index === -1 ? order.length : index;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

async function runVitestPhase(files: string[], collector: CheckCollector, maxWorkers = 6): Promise<void> {
  if (files.length === 0) return;
  const vitest = await startVitest(
    'test',
    files,
    {
      root: packageRoot,
      config: join(packageRoot, 'vitest.config.ts'),
      watch: false,
      reporters: [collector],
      // Probes wait on the network, not the CPU: more workers than cores keeps the run short.
      // Drills run one file at a time: each one breaks part of the stack on purpose.
      maxWorkers,
      fileParallelism: maxWorkers > 1,
      sequence: { sequencer: CatalogOrderSequencer },
      passWithNoTests: true,
    },
    {},
  );
  await vitest.close();
}
