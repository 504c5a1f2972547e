import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

// A vitest reporter for labdrill's own test run: after every run, the ten test files that took longest
// (their tests' and hooks' time), so a CI that grows slow says where.

export default class SlowestFilesReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const rows = modules
      .map((module) => ({ file: relative(process.cwd(), module.moduleId), ms: module.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    if (rows.length === 0) return;
    const lines = rows.map((row) => `  ${(row.ms / 1000).toFixed(1).padStart(7)} s  ${row.file}`);
    process.stdout.write(`\nslowest test files\n${lines.join('\n')}\n`);
  }
}
