import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../../reports/evidence.ts';

// Runs the real `labdrill` command as a user would, and reads the report it wrote.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function labdrill(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        timeout: options.timeoutMs ?? 120_000,
        env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...options.env },
        maxBuffer: 16 * 1024 * 1024,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export function readReport(outDir: string): RunReport {
  return JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as RunReport;
}

export function idsWithVerdict(report: RunReport, verdicts: string[]): string[] {
  return report.checks
    .filter((check) => verdicts.includes(check.verdict))
    .map((check) => check.id)
    .sort();
}
