import { journalPathFor, knownHostsFileFor } from '../config/stackPaths.ts';
import type { Stack } from '../config/schema.ts';
import { settingsFor } from '../config/settings.ts';
import { defaults } from '../config/defaults.ts';
import { CodedError } from '../reports/errorCodes.ts';
import pLimit from 'p-limit';
import { type CheckResult, emptyEvidence } from '../reports/evidence.ts';
import { catalog, suiteFileOf } from '../suites/catalog.ts';
import {
  type CheckDefinition,
  inStartOrder,
  reportGraceS,
  runsConcurrently,
} from '../suites/checkDefinition.ts';
import { collectChecks, type RunContext } from '../suites/runContext.ts';
import { type StateChecks, stateChecksOnRequest } from '../suites/suiteChecks.ts';
import { RunResources } from '../suites/runResources.ts';
import { missingVerdicts } from './missingVerdicts.ts';

// The in-process runner: many stacks checked in one process (labdrill grade), each run with a context of its
// own (stack, credentials, shared AWS inventory). It imports the suite files vitest runs once, states their
// checks again for each run, and runs probes side by side (the longest first), then drills (and what watches
// them) one at a time in catalog order. Whatever happens, every check asked for comes back with a verdict.

export interface InProcessRunOptions {
  stackFile: string;
  /** The stack as the run sees it (a rubric's expectations already merged in: runContext.stackWithRubric). */
  stack: Stack;
  only: readonly string[] | null;
  /** --chaos was given; drills run only when the stack file allows them too. */
  chaosRequested: boolean;
  acceptNewHostKey?: boolean;
  /** `labdrill drill --dry-run`: drills print their plan and change nothing. */
  dryRun?: boolean;
  /** Where drills journal their undos (default: the stack file's chaos.journal, in the working directory). */
  journal?: string;
  /** Where SSH host keys are pinned and recorded (default: the stack file's exec.knownHosts). */
  knownHostsFile?: string;
  /** How many probes of this run may be in flight at once. */
  probeConcurrency?: number;
  onCheck?: (result: CheckResult) => void;
  /** A problem outside any check (a suite file that did not load). */
  onRunError?: (message: string) => void;
}

/** Probes wait on the network, not the CPU: a handful at once per stack keeps a run short. */
const defaultProbeConcurrency = defaults.runConcurrency.probesPerStack;

// Suite files are imported once; each run states their checks anew, with the run's own context.
stateChecksOnRequest();

/** A suite file's function that states its checks (suites/suiteChecks.ts), imported once for every run. */
function suiteStater(file: string): Promise<StateChecks> {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`../${file.replace(/\.ts$/, extension)}`, import.meta.url).href;
  return (import(url) as Promise<{ stateChecks: StateChecks }>).then((suite) => suite.stateChecks);
}

export async function runChecksInProcess(options: InProcessRunOptions): Promise<CheckResult[]> {
  const { stack } = options;
  const settings = settingsFor(stack);
  const startedAt = new Date();
  const definitions: CheckDefinition[] = [];
  const resources = new RunResources();
  const context: RunContext = {
    stackFile: options.stackFile,
    stack,
    settings,
    only: options.only ? new Set(options.only) : null,
    chaos: options.chaosRequested && stack.chaos?.allow === true,
    chaosRequested: options.chaosRequested,
    dryRun: options.dryRun === true,
    journal: options.journal ?? journalPathFor(stack),
    acceptNewHostKey: options.acceptNewHostKey === true,
    knownHostsFile: options.knownHostsFile ?? knownHostsFileFor(stack),
    register: (definition) => definitions.push(definition),
    resources,
  };
  const chosen = catalog.filter((entry) => !options.only || options.only.includes(entry.id));
  const files = [...new Set(chosen.map(suiteFileOf))];
  const runErrors: string[] = [];
  const runError = (file: string, error: unknown) => {
    const message = `${file}: ${error instanceof Error ? error.message : String(error)}`;
    runErrors.push(message);
    options.onRunError?.(message);
  };
  const staters = await Promise.all(
    files.map((file) =>
      suiteStater(file).then(
        (state) => ({ file, state }),
        (error: unknown) => {
          runError(file, error);
          return undefined;
        },
      ),
    ),
  );
  const results: CheckResult[] = [];
  const finish = (result: CheckResult) => {
    results.push(result);
    options.onCheck?.(result);
  };
  try {
    collectChecks(context, () => {
      for (const suite of staters) {
        if (!suite) continue;
        try {
          suite.state();
        } catch (error) {
          runError(suite.file, error);
        }
      }
    });
    const concurrent = inStartOrder(definitions.filter((definition) => runsConcurrently(definition.entry)));
    const oneAtATime = definitions.filter((definition) => !runsConcurrently(definition.entry));
    const limit = pLimit(options.probeConcurrency ?? defaultProbeConcurrency);
    await Promise.all(
      concurrent.map((definition) => limit(async () => finish(await judgeWithinGrace(definition)))),
    );
    for (const definition of oneAtATime) finish(await judgeWithinGrace(definition));
  } finally {
    await resources.releaseAll();
  }
  const missing = missingVerdicts({
    expected: chosen,
    results,
    runErrors,
    startedAt,
    settings,
  });
  for (const result of missing) options.onCheck?.(result);
  return [...results, ...missing];
}

/** A check's verdict, or an error record once it runs past its budget and the runner's grace. */
async function judgeWithinGrace(definition: CheckDefinition): Promise<CheckResult> {
  const { entry, budgetS } = definition;
  const startedAt = new Date();
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(
      () => {
        const error = new CodedError(
          'budget-exceeded',
          `the check ran past its time budget of ${budgetS} s and was stopped`,
        );
        resolve({
          id: entry.id,
          title: entry.title,
          kind: entry.kind,
          needs: [...entry.needs],
          verdict: 'error',
          reason: error.message,
          errorCode: error.code,
          startedAt: startedAt.toISOString(),
          durationMs: Date.now() - startedAt.getTime(),
          budgetS,
          evidence: emptyEvidence(),
        });
      },
      (budgetS + reportGraceS) * 1000,
    );
  });
  try {
    return await Promise.race([definition.judge(), overrun]);
  } finally {
    clearTimeout(timer);
  }
}
