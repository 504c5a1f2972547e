import type { SerializedError } from 'vitest';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import type { CheckResult } from './evidence.ts';

// A vitest reporter that gathers each check's verdict and evidence from the test's task meta.
// Suites that fail to load (bad import, stack file unreadable) are kept as run errors, so a run
// never ends in silence.

export interface CollectorEvents {
  onCheck?: (result: CheckResult) => void;
}

export class CheckCollector implements Reporter {
  readonly results: CheckResult[] = [];
  readonly runErrors: string[] = [];

  constructor(private readonly events: CollectorEvents = {}) {}

  onTestCaseResult(testCase: TestCase): void {
    const result = testCase.meta().labdrill;
    if (!result) {
      const state = testCase.result().state;
      if (state === 'failed') {
        const message = testCase.result().errors?.[0]?.message ?? 'unknown error';
        this.runErrors.push(`${testCase.name}: ${message.split('\n')[0]}`);
      }
      return;
    }
    this.results.push(result);
    this.events.onCheck?.(result);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    for (const module of modules) {
      for (const error of module.errors()) {
        this.runErrors.push(`${module.moduleId}: ${error.message.split('\n')[0]}`);
      }
    }
    for (const error of unhandledErrors) this.runErrors.push(`unhandled: ${error.message.split('\n')[0]}`);
  }
}
