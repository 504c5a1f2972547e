import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../reports/evidence.ts';

// Wall time of `labdrill demo` on the healthy twin (target: ≤ 60 s on 2 cores), and each check's time.

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));

export interface DemoTiming {
  label: string;
  wallMs: number;
  exitCode: number;
  report: RunReport;
}

export async function timeDemo(label: string, extraArgs: string[] = []): Promise<DemoTiming> {
  const out = mkdtempSync(join(tmpdir(), 'labdrill-bench-'));
  try {
    const started = performance.now();
    const exitCode = await new Promise<number>((resolve) => {
      execFile(process.execPath, [bin, 'demo', '--out', out, ...extraArgs], { timeout: 600_000 }, (error) =>
        resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
      );
    });
    const wallMs = performance.now() - started;
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    return { label, wallMs, exitCode, report };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export function printDemoTiming(timing: DemoTiming): void {
  const { report } = timing;
  console.log(
    `\n${timing.label}: wall ${(timing.wallMs / 1000).toFixed(2)} s (target ≤ 60 s: ${timing.wallMs <= 60_000 ? 'met' : 'NOT met'}), exit ${timing.exitCode}`,
  );
  console.log(
    `  checks: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.error} error, ${report.summary.skip} skip; run ${(report.durationMs / 1000).toFixed(2)} s`,
  );
  for (const check of report.checks) {
    console.log(
      `  ${check.id.padEnd(30)} ${check.verdict.padEnd(5)} ${(check.durationMs / 1000).toFixed(3).padStart(8)} s`,
    );
  }
}
