// Live progress for a load run. On a terminal: one line, redrawn each second, with req/s,
// latency, errors and whatever figures the caller adds (CPU, desired, in-service during a drill).
// Under CI or into a pipe: a plain line every few seconds (or nothing), never redraw codes.
// In every mode finish() hands back a machine-readable summary.

import cliProgress from 'cli-progress';
import type { LoadResult, LoadSecond, StopReason } from './results.ts';

export type ProgressMode = 'live' | 'plain' | 'silent';

/** What progress writes to: process.stdout, or any stream that says whether it is a terminal. */
export interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

export interface LoadProgressOptions {
  out?: ProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Overrides the choice made from `out` and `env`. */
  mode?: ProgressMode;
  /** The run's duration cap, so the live line can show elapsed / total. */
  totalS?: number;
  /** Seconds between lines in plain mode; 5 unless set. */
  plainEveryS?: number;
  label?: string;
}

export type Figure = string | number;

export interface LoadSummary {
  url: string;
  stoppedBy: StopReason;
  durationS: number;
  requests: number;
  rpsMean: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latencyMs: { p50: number; p99: number; max: number };
  targetShares: Record<string, number>;
  /** The caller's extra figures as they stood at the end. */
  figures: Record<string, Figure>;
}

export interface LoadProgress {
  readonly mode: ProgressMode;
  /** Pass as LoadPlan.onSecond. */
  onSecond: (s: LoadSecond) => void;
  /** Sets (or, with null, removes) an extra figure shown after the load figures. */
  setFigure(name: string, value: Figure | null): void;
  /** Ends the live line, prints a final line (not in silent mode) and returns the summary. */
  finish(result: LoadResult): LoadSummary;
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function chooseProgressMode(out: ProgressStream, env: NodeJS.ProcessEnv): ProgressMode {
  return out.isTTY === true && !isCi(env) ? 'live' : 'plain';
}

/** Figures may come from remote APIs: keep them on one line, short, and free of control codes. */
function cleanText(text: string, max: number): string {
  // Removing control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function formatNumber(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatMs(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The figures of one second as one line of text, e.g. for logs. */
export function formatLoadLine(s: LoadSecond, figures: ReadonlyMap<string, Figure>): string {
  const parts = [
    `${formatNumber(s.rps)} req/s`,
    `p50 ${formatMs(s.latencyP50Ms)} ms`,
    `p99 ${formatMs(s.latencyP99Ms)} ms`,
    `err ${s.errors}`,
    `non2xx ${s.non2xx}`,
  ];
  const extra = [...figures].map(([name, value]) => `${name} ${value}`);
  return extra.length === 0 ? parts.join('  ') : `${parts.join('  ')}  | ${extra.join('  ')}`;
}

export function summarizeLoad(result: LoadResult, figures: Record<string, Figure> = {}): LoadSummary {
  const durationS = (Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000;
  return {
    url: result.url,
    stoppedBy: result.stoppedBy,
    durationS: Math.round(durationS * 100) / 100,
    requests: result.totals.requests,
    rpsMean: result.totals.rpsMean,
    errors: result.totals.errors,
    timeouts: result.totals.timeouts,
    non2xx: result.totals.non2xx,
    latencyMs: {
      p50: result.totals.latency.p50,
      p99: result.totals.latency.p99,
      max: result.totals.latency.max,
    },
    targetShares: result.targetShares,
    figures,
  };
}

function finalLine(label: string, summary: LoadSummary): string {
  const shares = Object.entries(summary.targetShares)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, share]) => `${cleanText(name, 40)} ${(share * 100).toFixed(1)}%`);
  return (
    `${label} stopped by ${summary.stoppedBy} after ${summary.durationS.toFixed(1)} s: ` +
    `${formatNumber(summary.requests)} requests, ${formatNumber(summary.rpsMean)} req/s, ` +
    `p50 ${formatMs(summary.latencyMs.p50)} ms, p99 ${formatMs(summary.latencyMs.p99)} ms, ` +
    `errors ${summary.errors}, non2xx ${summary.non2xx}` +
    (shares.length > 0 ? `, targets ${shares.join(' ')}` : '')
  );
}

interface LivePayload {
  line: string;
}

export function createLoadProgress(options: LoadProgressOptions = {}): LoadProgress {
  const out = options.out ?? process.stdout;
  const mode = options.mode ?? chooseProgressMode(out, options.env ?? process.env);
  const plainEveryS = Math.max(1, options.plainEveryS ?? 5);
  const label = cleanText(options.label ?? 'load', 40);
  const totalS = options.totalS !== undefined && options.totalS > 0 ? options.totalS : null;
  const figures = new Map<string, Figure>();
  let last: LoadSecond | null = null;
  let bar: cliProgress.SingleBar | null = null;

  const liveText = (t: number): string => {
    const clock = totalS === null ? `${t}s` : `${Math.min(t, Math.ceil(totalS))}/${Math.ceil(totalS)}s`;
    return `${label} ${clock}  ${last === null ? 'starting' : formatLoadLine(last, figures)}`;
  };

  const drawLive = () => {
    const t = last?.t ?? 0;
    const payload: LivePayload = { line: liveText(t) };
    if (bar === null) {
      bar = new cliProgress.SingleBar({
        stream: out,
        format: (_options, _params, p: LivePayload) => p.line,
        linewrap: false, // cut to the terminal's width instead of wrapping onto a second line
        hideCursor: false, // a crash must not leave the cursor hidden
        gracefulExit: false, // drills own SIGINT/SIGTERM (they restore the stack)
        fps: 2,
        synchronousUpdate: true,
      });
      bar.start(totalS ?? 1, 0, payload);
    }
    bar.update(Math.min(t, totalS ?? 1), payload);
    bar.render();
  };

  const onSecond = (s: LoadSecond) => {
    last = s;
    if (mode === 'live') drawLive();
    else if (mode === 'plain' && s.t % plainEveryS === 0)
      out.write(`${label} t=${s.t}s  ${formatLoadLine(s, figures)}\n`);
  };

  const setFigure = (name: string, value: Figure | null) => {
    const key = cleanText(name, 30);
    if (value === null) figures.delete(key);
    else figures.set(key, typeof value === 'number' ? value : cleanText(value, 60));
    if (mode === 'live' && bar !== null) drawLive();
  };

  const finish = (result: LoadResult): LoadSummary => {
    const summary = summarizeLoad(result, Object.fromEntries(figures));
    if (bar !== null) {
      (bar as cliProgress.SingleBar).stop();
      bar = null;
    }
    if (mode !== 'silent') out.write(`${finalLine(label, summary)}\n`);
    return summary;
  };

  return { mode, onSecond, setFigure, finish };
}
