// Live progress for a drill: which phase it is in, how long it has run, and the figures the drill
// reports as they change (HTTP status seen, instances in service, DNS answer…). On a terminal: one line
// redrawn in place. Under CI or into a pipe: a plain line at each phase change and every few seconds,
// never redraw codes. Notes (what was changed, what was put back) are always whole lines.

export type DrillProgressMode = 'live' | 'plain' | 'silent';

export interface DrillProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

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

export type ProgressFigure = string | number;

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

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function chooseDrillProgressMode(out: DrillProgressStream, env: NodeJS.ProcessEnv): DrillProgressMode {
  return out.isTTY === true && !isCi(env) ? 'live' : 'plain';
}

/** Figures may come from remote peers: one line, short, no control codes. */
function cleanText(text: string, max: number): string {
  // Removing control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
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
  const mode = options.mode ?? chooseDrillProgressMode(out, options.env ?? process.env);
  if (mode === 'silent') return silentDrillProgress;
  const label = cleanText(options.label ?? 'drill', 60);
  const plainEveryMs = Math.max(1, options.plainEveryS ?? 5) * 1000;
  const startedAt = Date.now();
  const figures = new Map<string, ProgressFigure>();
  let currentPhase = 'starting';
  let lineShown = false;
  let stopped = false;

  const text = () => formatDrillProgressLine(label, currentPhase, Date.now() - startedAt, figures);
  const draw = () => {
    if (stopped) return;
    if (mode === 'live') {
      const width = out.columns && out.columns > 10 ? out.columns - 1 : 120;
      const line = text();
      out.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      lineShown = true;
    } else {
      out.write(`${text()}\n`);
    }
  };
  const clearLive = () => {
    if (mode === 'live' && lineShown) {
      out.write('\r\x1b[2K');
      lineShown = false;
    }
  };
  // The timer only redraws; unref so that it never keeps a finished process alive.
  const timer = setInterval(draw, mode === 'live' ? 1000 : plainEveryMs);
  timer.unref();

  return {
    mode,
    phase(name) {
      currentPhase = cleanText(name, 60);
      draw();
    },
    figure(name, value) {
      const key = cleanText(name, 30);
      if (value === null) figures.delete(key);
      else figures.set(key, typeof value === 'number' ? value : cleanText(value, 80));
      if (mode === 'live') draw();
    },
    note(note) {
      if (stopped) return;
      clearLive();
      out.write(`${label}: ${cleanText(note, 500)}\n`);
      if (mode === 'live') draw();
    },
    stop(finalLine) {
      if (stopped) return;
      clearInterval(timer);
      clearLive();
      stopped = true;
      if (finalLine !== undefined) out.write(`${label}: ${cleanText(finalLine, 500)}\n`);
    },
  };
}
