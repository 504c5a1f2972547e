import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { CheckResult } from './evidence.ts';

// A vitest reporter that gathers each check's verdict and evidence from the test's task meta. What vitest
// reports without a labdrill verdict (a test that timed out or threw outside the check, a suite file that
// failed to load, an error no test caught) is kept too, so that the run can turn it into error records:
// no check vanishes from a report.

export interface CollectorEvents {
  onCheck?: (result: CheckResult) => void;
}

/** A test that ended without a labdrill verdict. */
export interface UnjudgedTest {
  /** The test's name: the check id. */
  name: string;
  /** Its first error line. */
  message: string;
  /** vitest ended it for running past its timeout. */
  timedOut: boolean;
}

const firstLine = (text: string) => text.split('\n')[0] ?? '';

export class CheckCollector implements Reporter {
  readonly results: CheckResult[] = [];
  readonly unjudged: UnjudgedTest[] = [];
  /** Errors outside any test: suite files that failed to load, unhandled errors. */
  readonly runErrors: string[] = [];

  constructor(private readonly events: CollectorEvents = {}) {}

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.meta().labdrill;
    if (!result) {
      const outcome = testCase.result();
      if (outcome.state === 'failed') {
        const message = firstLine(outcome.errors?.[0]?.message ?? 'unknown error');
        this.unjudged.push({ name: testCase.name, message, timedOut: /\btimed out\b/i.test(message) });
      }
      return;
    }
    this.results.push(result);
    this.events.onCheck?.(result);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const module of modules) {
      for (const error of module.errors())
        this.runErrors.push(`${module.moduleId}: ${firstLine(error.message)}`);
    }
    for (const error of unhandledErrors) this.runErrors.push(`unhandled: ${firstLine(error.message)}`);
  }
}
