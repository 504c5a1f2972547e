import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalog } from '../suites/catalog.ts';
import type { CheckResult, RunReport } from '../reports/evidence.ts';

// `npm run bench -- aws-pace`: the whole `labdrill demo --chaos --pace aws`, scale-in observation included,
// against a twin whose every timing is AWS's own. Prints each drill's duration and labdrill's overhead:
// the time from the stack's last change during the drill (from the twin's log: a target turning healthy,
// an instance InService, the endpoint's DNS switch, the AZ swap showing in the API …) to the drill's end
// (verdict, rollback and the steady-state check after it). Target: under 30 s per drill.

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));
/** The whole demo at AWS pace takes about 40 minutes; this bounds it. */
const demoTimeoutMs = 90 * 60_000;
const overheadTargetS = 30;

/** Twin log lines that are the stack changing on its own (not requests served or API calls answered). */
const stackChange =
  /^(alb target \S+ (healthy|unhealthy|deregistered)|asg (launching|terminating|\S+ (InService|terminated|unhealthy))|asg \S+: desired|cloudwatch alarm|rds \S+ (failover|AZ swap)|rds cluster|\[db\] (dns-switched|standby-promoted|old-primary-rejoined|failover-completed|reader-endpoint|writer-stopped))/;

interface LogLine {
  atMs: number;
  text: string;
}

function readTwinLog(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => {
      const space = line.indexOf(' ');
      return { atMs: Date.parse(line.slice(0, space)), text: line.slice(space + 1) };
    })
    .filter((line) => Number.isFinite(line.atMs) && stackChange.test(line.text));
}

function runDemo(out: string, twinLog: string): Promise<{ code: number; wallMs: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [bin, 'demo', '--chaos', '--pace', 'aws', '--out', out, '--twin-log', twinLog],
      { stdio: ['ignore', 'inherit', 'inherit'], timeout: demoTimeoutMs },
    );
    child.on('close', (code) => resolve({ code: code ?? 1, wallMs: performance.now() - started }));
  });
}

function overheadOf(
  check: CheckResult,
  log: readonly LogLine[],
): { overheadS: number; last: LogLine } | null {
  const startMs = Date.parse(check.startedAt);
  const endMs = startMs + check.durationMs;
  const during = log.filter((line) => line.atMs >= startMs && line.atMs <= endMs);
  const last = during.at(-1);
  return last ? { overheadS: (endMs - last.atMs) / 1000, last } : null;
}

export async function runAwsPaceBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'labdrill-bench-aws-pace-'));
  try {
    const out = join(dir, 'out');
    const twinLog = join(dir, 'twin.log');
    console.log('labdrill demo --chaos --pace aws (about 40 minutes; live progress follows)');
    const { code, wallMs } = await runDemo(out, twinLog);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const log = readTwinLog(twinLog);
    const { summary } = report;
    console.log(
      `\nlabdrill demo --chaos --pace aws: wall ${(wallMs / 60_000).toFixed(1)} min, exit ${code}; ${report.checks.length} of ${catalog.length} checks in the report: ${summary.pass} pass, ${summary.fail} fail, ${summary.error} error, ${summary.skip} skip`,
    );
    for (const check of report.checks.filter((c) => c.verdict !== 'pass')) {
      console.log(
        `  ${check.id} ${check.verdict}${check.errorCode ? ` [${check.errorCode}]` : ''}: ${check.reason}`,
      );
    }
    console.log(
      "\n  drill                          verdict  duration  overhead after the stack's last change",
    );
    for (const check of report.checks.filter((c) => c.kind === 'drill' || c.id === 'asg.scale-in.observe')) {
      const overhead = overheadOf(check, log);
      const figure = overhead
        ? `${overhead.overheadS.toFixed(1).padStart(6)} s (${overhead.overheadS < overheadTargetS ? 'met' : 'NOT met'}; last: ${overhead.last.text.slice(0, 70)})`
        : '     – (no stack change logged during it)';
      console.log(
        `  ${check.id.padEnd(30)} ${check.verdict.padEnd(8)} ${(check.durationMs / 1000).toFixed(1).padStart(7)} s ${figure}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
