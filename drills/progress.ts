import {
  chooseProgressMode,
  createProgressLine,
  type ProgressFigure,
  type ProgressMode,
  type ProgressStream,
  progressText,
} from '../reports/liveProgress.ts';

// A drill's live progress: which phase it is in, how long it has run, and the figures the drill reports as
// they change (HTTP status seen, instances in service, DNS answer…), on the one progress line
// (reports/liveProgress.ts). On a terminal: one line redrawn in place. Under CI or into a pipe: a plain line
// at each phase change and every few seconds. Notes (what was changed, what was put back) are whole lines.

export type DrillProgressMode = ProgressMode;
export type DrillProgressStream = ProgressStream;
export type { ProgressFigure };

export interface DrillProgressOptions {
  out?: DrillProgressStream;
  env?: NodeJS.ProcessEnv;
  /** Overrides the choice made from `out` and `env`. */
  mode?: DrillProgressMode;
  /** Shown at the start of each line, e.g. the drill id. */
  label?: string;
  /** Seconds between lines in plain mode; 5 unless set. */
  plainEveryS?: number;
}

export interface DrillProgress {
  readonly mode: DrillProgressMode;
  phase(name: string): void;
  /** Sets (or, with null, removes) a figure shown after the phase. */
  figure(name: string, value: ProgressFigure | null): void;
  /** A line that stays (not redrawn over). */
  note(text: string): void;
  /** Ends the live line and the timer; prints `finalLine` when given. Safe to call twice. */
  stop(finalLine?: string): void;
}

export function formatDrillProgressLine(
  label: string,
  phase: string,
  elapsedMs: number,
  figures: ReadonlyMap<string, ProgressFigure>,
): string {
  const parts = [`${label} ${(elapsedMs / 1000).toFixed(0)}s ${phase}`];
  for (const [name, value] of figures) parts.push(`${name} ${value}`);
  return parts.join('  ');
}

/** A reporter that shows nothing, for tests and for callers with their own display. */
export const silentDrillProgress: DrillProgress = {
  mode: 'silent',
  phase: () => {},
  figure: () => {},
  note: () => {},
  stop: () => {},
};

export function createDrillProgress(options: DrillProgressOptions = {}): DrillProgress {
  const out = options.out ?? process.stdout;
  const mode = options.mode ?? chooseProgressMode(out, options.env ?? process.env);
  if (mode === 'silent') return silentDrillProgress;
  const label = progressText(options.label ?? 'drill', 60);
  const plainEveryMs = Math.max(1, options.plainEveryS ?? 5) * 1000;
  const startedAt = Date.now();
  const figures = new Map<string, ProgressFigure>();
  let currentPhase = 'starting';
  let stopped = false;

  const text = () => formatDrillProgressLine(label, currentPhase, Date.now() - startedAt, figures);
  const line = createProgressLine({ out, mode, text });
  const show = () => {
    if (stopped) return;
    if (mode === 'live') line.redraw();
    else line.print(text());
  };
  // The live line redraws itself; a plain one is printed every few seconds. Unref, so that the timer
  // never keeps a finished process alive.
  const plainTimer = mode === 'plain' ? setInterval(show, plainEveryMs) : undefined;
  plainTimer?.unref();

  return {
    mode,
    phase(name) {
      currentPhase = progressText(name, 60);
      show();
    },
    figure(name, value) {
      const key = progressText(name, 30);
      if (value === null) figures.delete(key);
      else figures.set(key, typeof value === 'number' ? value : progressText(value, 80));
      if (!stopped) line.redraw();
    },
    note(note) {
      if (stopped) return;
      line.print(`${label}: ${progressText(note, 500)}`);
    },
    stop(finalLine) {
      if (stopped) return;
      clearInterval(plainTimer);
      line.stop();
      stopped = true;
      if (finalLine !== undefined) line.print(`${label}: ${progressText(finalLine, 500)}`);
    },
  };
}
