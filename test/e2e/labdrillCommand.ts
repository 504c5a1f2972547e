import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../../reports/evidence.ts';

// Runs the real `labdrill` command as a user would, and reads the report it wrote. A failing test shows
// what the command did: its exit code, the last lines it printed, and for `demo`/`twin` the twin's own log.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

export interface CommandResult {
  code: number;
  /** The signal that ended the command (e.g. SIGTERM on the helper's timeout), if any. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The twin's log file for `demo` and `twin` runs. */
  twinLogFile?: string;
  /** Exit code, output tails and twin log tail, for an assertion's message. */
  explain(): string;
}

const tailLines = 25;
const twinLogTailLines = 40;

function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  const kept = all.slice(-lines).join('\n');
  return all.length > lines ? `… (${all.length - lines} lines before)\n${kept}` : kept;
}

function readTail(file: string | undefined, lines: number): string {
  if (!file || !existsSync(file)) return '(none)';
  return tail(readFileSync(file, 'utf8'), lines) || '(empty)';
}

function explanation(result: Omit<CommandResult, 'explain'>, args: readonly string[]): string {
  return [
    `labdrill ${args.join(' ')}`,
    `exit code ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}`,
    `--- stderr (last ${tailLines} lines) ---`,
    tail(result.stderr, tailLines) || '(empty)',
    `--- stdout (last ${tailLines} lines) ---`,
    tail(result.stdout, tailLines) || '(empty)',
    ...(result.twinLogFile
      ? [`--- twin log ${result.twinLogFile} ---`, readTail(result.twinLogFile, twinLogTailLines)]
      : []),
  ].join('\n');
}

let twinLogDir: string | undefined;

export function labdrill(
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CommandResult> {
  const startsTwin = args[0] === 'demo' || args[0] === 'twin';
  twinLogDir ??= startsTwin ? mkdtempSync(join(tmpdir(), 'labdrill-twin-logs-')) : undefined;
  const twinLogFile =
    startsTwin && !args.includes('--twin-log')
      ? join(twinLogDir!, `twin-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.log`)
      : undefined;
  const fullArgs = twinLogFile ? [...args, '--twin-log', twinLogFile] : args;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...fullArgs],
      {
        timeout: options.timeoutMs ?? 120_000,
        env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', ...options.env },
        maxBuffer: 16 * 1024 * 1024,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const signal = error && 'signal' in error && error.signal ? String(error.signal) : null;
        const result = { code, signal, stdout, stderr, ...(twinLogFile ? { twinLogFile } : {}) };
        resolve({ ...result, explain: () => explanation(result, fullArgs) });
      },
    );
  });
}

/** The report a run wrote; when there is none, an error that says what the command did instead. */
export function readReport(outDir: string, result?: CommandResult): RunReport {
  const file = join(outDir, 'report.json');
  if (!existsSync(file)) {
    throw new Error(`no report at ${file}${result ? `\n${result.explain()}` : ''}`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as RunReport;
}

export function idsWithVerdict(report: RunReport, verdicts: string[]): string[] {
  return report.checks
    .filter((check) => verdicts.includes(check.verdict))
    .map((check) => check.id)
    .sort();
}
