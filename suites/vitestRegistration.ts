import type { CheckDefinition } from './checkDefinition.ts';
import { reportGraceS, runsConcurrently } from './checkDefinition.ts';

// Checks as vitest tests, for `LABDRILL_STACK=stack.yaml npx vitest` (vitest's own filters, watch mode and
// reporters): the task meta carries each verdict and its evidence. vitest is loaded only where it runs the
// suites, never by labdrill's own runner (cli/runInProcess.ts).

declare module 'vitest' {
  interface TaskMeta {
    labdrill?: import('../reports/evidence.ts').CheckResult;
  }
}

const vitest = process.env.VITEST ? await import('vitest') : undefined;

/** A check's failure as vitest shows it; the message is the one-line reason. */
class CheckFailed extends Error {
  override readonly name = 'CheckFailed';
}

export interface Registration {
  register: (definition: CheckDefinition) => void;
  afterFile: (release: () => void | Promise<void>) => void;
}

export function vitestRegistration(): Registration {
  const runner = vitest;
  if (!runner) {
    throw new Error(
      'the check suites run under vitest (labdrill run, or LABDRILL_STACK=stack.yaml npx vitest) or labdrill grade',
    );
  }
  return {
    register({ entry, budgetS, judge }) {
      const register = runsConcurrently(entry) ? runner.test.concurrent : runner.test;
      register(
        entry.id,
        async ({ task, skip }) => {
          const result = await judge();
          task.meta.labdrill = result;
          if (result.verdict === 'skip') skip(result.reason);
          if (result.verdict === 'fail' || result.verdict === 'error') {
            throw new CheckFailed(result.fix ? `${result.reason} — fix: ${result.fix}` : result.reason);
          }
        },
        (budgetS + reportGraceS) * 1000,
      );
    },
    afterFile: (release) => runner.afterAll(release),
  };
}
