import { journalPathFor, knownHostsFileFor } from '../config/stackPaths.ts';
import { loadStackFile } from '../config/loadStack.ts';
import { type LabExpectations, type Stack } from '../config/schema.ts';
import { defaults } from '../config/defaults.ts';
import { type Settings, settingsFor } from '../config/settings.ts';
import type { CheckDefinition } from './checkDefinition.ts';
import { RunResources } from './runResources.ts';
import { vitestRegistration } from './vitestRegistration.ts';

// What a suite file knows about the run: the stack, the chosen checks, whether drills may run, and where its
// checks go. Under vitest (`labdrill run`, or plain `LABDRILL_STACK=stack.yaml npx vitest`) it comes through
// environment variables and checks become vitest tests. The in-process runner (cli/runInProcess.ts, used to
// grade a class) gives each run a context of its own, so that many stacks are checked in one process, each
// with its own stack, credentials and shared AWS inventory.

export interface RunOptionsSeen {
  only: ReadonlySet<string> | null;
  chaos: boolean;
  /** --chaos was given (whether or not the stack file allows drills). */
  chaosRequested: boolean;
  /** `labdrill drill --dry-run`: drills print their plan and change nothing. */
  dryRun: boolean;
  /** Where drills journal their undos. */
  journal: string;
  /** --accept-new-host-key: trust an SSH host key not pinned yet, once, and record it. */
  acceptNewHostKey: boolean;
  /** Where SSH host keys are pinned and recorded (exec.knownHosts), resolved in the user's directory. */
  knownHostsFile: string;
}

export interface RunContext extends RunOptionsSeen {
  stackFile: string;
  stack: Stack;
  settings: Settings;
  /** Takes each check the suite files state: a vitest test, or an entry of the in-process runner's list. */
  register: (definition: CheckDefinition) => void;
  /** What the run's checks share (the AWS inventory, read-only clients) and its release at the run's end. */
  resources: RunResources;
}

/** What a rubric imposes on a run: the lab's numbers and the course's caps (reports/grading/gradeModel.ts). */
export interface RubricTerms {
  expect?: LabExpectations;
  caps?: {
    budgets?: Readonly<Record<string, number>>;
    load?: { connections?: number; durationS?: number; maxRequests?: number };
  };
}

const lower = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/**
 * The stack as the run sees it: a rubric's expectations (the course's numbers) win over the stack file's, and
 * its caps lower the file's budgets and load, so that a student cannot lower the bar or raise the load.
 */
export function stackWithRubric(stack: Stack, rubric: RubricTerms | undefined): Stack {
  if (!rubric) return stack;
  const merged: Stack = { ...stack };
  const { expect, caps } = rubric;
  if (expect) {
    merged.expect = {
      ...stack.expect,
      ...expect,
      ...(stack.expect?.asg || expect.asg ? { asg: { ...stack.expect?.asg, ...expect.asg } } : {}),
    };
  }
  if (caps?.budgets && Object.keys(caps.budgets).length > 0) {
    const budgets: Record<string, number> = { ...stack.budgets };
    for (const [id, cap] of Object.entries(caps.budgets)) budgets[id] = lower(budgets[id], cap)!;
    merged.budgets = budgets;
  }
  if (caps?.load) {
    const connections = lower(stack.load?.connections, caps.load.connections);
    const maxRequests = lower(stack.load?.maxRequests, caps.load.maxRequests);
    merged.load = {
      ...(connections !== undefined ? { connections } : {}),
      ...(maxRequests !== undefined ? { maxRequests } : {}),
    };
    // The load runs at most scaleOutTimeoutS: the course's duration cap lowers it.
    if (caps.load.durationS !== undefined) {
      merged.thresholds = {
        ...stack.thresholds,
        scaleOutTimeoutS: lower(
          stack.thresholds?.scaleOutTimeoutS ?? defaults.thresholds.scaleOutTimeoutS,
          caps.load.durationS,
        )!,
      };
    }
  }
  return merged;
}

/** The context whose suite files' checks are being stated right now (collection is synchronous, one at a time). */
let collecting: RunContext | undefined;
let fromEnvironment: RunContext | undefined;

/**
 * The run whose suite files are being collected: for code that runs while a suite file is evaluated. A
 * check body gets its run as `c.run` instead (several in-process runs' checks run side by side).
 */
export function runContext(): RunContext {
  return collecting ?? (fromEnvironment ??= contextFromEnvironment());
}

/** Calls `collect` (which states the suite files' checks) with `context` as the run context. */
export function collectChecks(context: RunContext, collect: () => void): void {
  if (collecting) throw new Error('suite files are already being collected for another run');
  collecting = context;
  try {
    collect();
  } finally {
    collecting = undefined;
  }
}

function contextFromEnvironment(): RunContext {
  const stackFile = process.env.LABDRILL_STACK;
  if (!stackFile) {
    throw new Error(
      'LABDRILL_STACK is not set: name the stack file, e.g. LABDRILL_STACK=stack.yaml npx vitest',
    );
  }
  // `labdrill run --rubric`: the rubric's terms, handed to the workers as JSON.
  const rubric = process.env.LABDRILL_RUBRIC_TERMS
    ? (JSON.parse(process.env.LABDRILL_RUBRIC_TERMS) as RubricTerms)
    : undefined;
  const stack = stackWithRubric(loadStackFile(stackFile), rubric);
  const onlyText = process.env.LABDRILL_ONLY?.trim();
  const registration = vitestRegistration();
  return {
    stackFile,
    stack,
    settings: settingsFor(stack),
    only: onlyText ? new Set(onlyText.split(',').map((id) => id.trim())) : null,
    chaos: process.env.LABDRILL_CHAOS === '1' && stack.chaos?.allow === true,
    chaosRequested: process.env.LABDRILL_CHAOS_REQUESTED === '1',
    dryRun: process.env.LABDRILL_DRY_RUN === '1',
    journal: process.env.LABDRILL_JOURNAL || journalPathFor(stack),
    acceptNewHostKey: process.env.LABDRILL_ACCEPT_NEW_HOST_KEY === '1',
    knownHostsFile: process.env.LABDRILL_KNOWN_HOSTS || knownHostsFileFor(stack),
    register: registration.register,
    resources: new RunResources(registration.afterFile),
  };
}
