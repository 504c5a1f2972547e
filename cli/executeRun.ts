import { journalPathFor, knownHostsFileFor } from '../config/stackPaths.ts';
import { fork } from 'node:child_process';
import { loadStackFile } from '../config/loadStack.ts';
import { settingsFor } from '../config/settings.ts';
import type { CheckResult, RunReport } from '../reports/evidence.ts';
import { writeReportHtml } from '../reports/html/reportHtml.ts';
import { writeJunitXml } from '../reports/junitXml.ts';
import { buildRunReport, writeReportJson } from '../reports/runReport.ts';
import { catalog, checkIds } from '../suites/catalog.ts';
import { type RubricTerms, stackWithRubric } from '../suites/runContext.ts';
import { missingVerdicts } from './missingVerdicts.ts';
import { labdrillVersion } from './packageRoot.ts';
import type { WorkerReply, WorkerRequest } from './runWorkerProtocol.ts';

// `labdrill run`: validate, then run the checks in a runner process of their own (cli/runWorker.ts, the
// in-process runner: probes side by side, then drills one at a time in catalog order, so that no probe
// measures a stack a drill is breaking on purpose) and write the reports. Whatever the runner does, every
// check asked for ends in the report: a runner that dies leaves error records, never a gap.

export interface RunOptions {
  stackFile: string;
  only: string[] | null;
  chaos: boolean;
  outDir: string;
  twinFaults: string[] | null;
  /** --accept-new-host-key: trust an SSH host key not pinned yet, once, and record it. */
  acceptNewHostKey?: boolean;
  /** `labdrill drill --dry-run`: drills print their plan and change nothing. */
  dryRun?: boolean;
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
  const chosen = catalog.filter((entry) => !options.only || options.only.includes(entry.id));
  const { results, runErrors } = await runInWorker(
    {
      stackFile: options.stackFile,
      only: options.only,
      chaosRequested: options.chaos,
      dryRun: options.dryRun === true,
      // Resolved here, in the user's directory.
      journal: journalPathFor(stack),
      knownHostsFile: knownHostsFileFor(stack),
      acceptNewHostKey: options.acceptNewHostKey === true,
      ...(options.rubricTerms ? { rubricTerms: options.rubricTerms } : {}),
    },
    options.onCheck,
  );
  const missing = missingVerdicts({
    expected: chosen,
    results,
    runErrors,
    startedAt,
    settings,
  });
  for (const result of missing) options.onCheck?.(result);
  const all = [...results, ...missing];
  const report = buildRunReport(all, {
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
  const files = await Promise.all([
    writeReportJson(report, options.outDir),
    writeJunitXml(report, options.outDir),
    writeReportHtml(report, options.outDir),
  ]);
  return { report, files, runErrors };
}

const workerModule = new URL(
  `./runWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

/** Runs the checks in the runner process; its results as they come, and what went wrong outside any check. */
function runInWorker(
  request: WorkerRequest,
  onCheck: ((result: CheckResult) => void) | undefined,
): Promise<{ results: CheckResult[]; runErrors: string[] }> {
  const results: CheckResult[] = [];
  const runErrors: string[] = [];
  const child = fork(workerModule, [], { stdio: 'inherit', serialization: 'advanced' });
  // SIGTERM to labdrill reaches the runner, whose drills roll back; a terminal's Ctrl-C reaches both
  // processes already, and labdrill waits for the runner to finish putting things back.
  const forwardTerm = () => child.kill('SIGTERM');
  const waitOnInterrupt = () => {};
  process.on('SIGTERM', forwardTerm);
  process.on('SIGINT', waitOnInterrupt);
  let done = false;
  child.on('message', (reply: WorkerReply) => {
    if (reply.kind === 'check') {
      results.push(reply.result);
      onCheck?.(reply.result);
    } else if (reply.kind === 'run-error') runErrors.push(reply.message);
    else done = true;
  });
  child.send(request);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      process.off('SIGTERM', forwardTerm);
      process.off('SIGINT', waitOnInterrupt);
      if (!done) {
        runErrors.push(
          `the check runner ended before the run was over (${signal ? `signal ${signal}` : `exit code ${code}`})`,
        );
      }
      resolve({ results, runErrors });
    });
  });
}
