import {
  chooseProgressMode,
  createProgressLine,
  type ProgressFigure,
  type ProgressMode,
  type ProgressStream,
  progressText,
} from '../reports/liveProgress.ts';
import type { LoadResult, LoadSecond, StopReason } from './results.ts';

// A load run's live progress, on the one progress line (reports/liveProgress.ts). On a terminal: one line,
// redrawn each second, with req/s, latency, errors and whatever figures the caller adds (CPU, desired,
// in-service during a drill). Under CI or into a pipe: a plain line every few seconds (or nothing).
// In every mode finish() hands back a machine-readable summary.

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

export type Figure = ProgressFigure;

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
    .map(([name, share]) => `${progressText(name, 40)} ${(share * 100).toFixed(1)}%`);
  return (
    `${label} stopped by ${summary.stoppedBy} after ${summary.durationS.toFixed(1)} s: ` +
    `${formatNumber(summary.requests)} requests, ${formatNumber(summary.rpsMean)} req/s, ` +
    `p50 ${formatMs(summary.latencyMs.p50)} ms, p99 ${formatMs(summary.latencyMs.p99)} ms, ` +
    `errors ${summary.errors}, non2xx ${summary.non2xx}` +
    (shares.length > 0 ? `, targets ${shares.join(' ')}` : '')
  );
}

export function createLoadProgress(options: LoadProgressOptions = {}): LoadProgress {
  const out = options.out ?? process.stdout;
  const mode = options.mode ?? chooseProgressMode(out, options.env ?? process.env);
  const plainEveryS = Math.max(1, options.plainEveryS ?? 5);
  const label = progressText(options.label ?? 'load', 40);
  const totalS = options.totalS !== undefined && options.totalS > 0 ? options.totalS : null;
  const figures = new Map<string, Figure>();
  let last: LoadSecond | null = null;

  const liveText = (): string => {
    const t = last?.t ?? 0;
    const clock = totalS === null ? `${t}s` : `${Math.min(t, Math.ceil(totalS))}/${Math.ceil(totalS)}s`;
    return `${label} ${clock}  ${last === null ? 'starting' : formatLoadLine(last, figures)}`;
  };
  const line = createProgressLine({ out, mode, text: liveText, keepLastLine: true });
  let started = false;

  const onSecond = (s: LoadSecond) => {
    last = s;
    started = true;
    line.redraw();
    if (mode === 'plain' && s.t % plainEveryS === 0)
      line.print(`${label} t=${s.t}s  ${formatLoadLine(s, figures)}`);
  };

  const setFigure = (name: string, value: Figure | null) => {
    const key = progressText(name, 30);
    if (value === null) figures.delete(key);
    else figures.set(key, typeof value === 'number' ? value : progressText(value, 60));
    // The live line appears with the first second; a figure set before it waits for it.
    if (started) line.redraw();
  };

  const finish = (result: LoadResult): LoadSummary => {
    const summary = summarizeLoad(result, Object.fromEntries(figures));
    line.stop();
    line.print(finalLine(label, summary));
    return summary;
  };

  return { mode, onSecond, setFigure, finish };
}
