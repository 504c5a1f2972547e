import cliProgress from 'cli-progress';

// Live progress on the terminal, the one implementation behind the drills' phase line, the load run's
// figures and the class grading bar, drawn with cli-progress. The mode is chosen here once: on a terminal
// outside CI, a line redrawn in place; under CI or into a pipe, plain whole lines, never redraw codes; or
// nothing. Text shown here may come from a stack or a peer, so progressText keeps it to one short line.

export type ProgressMode = 'live' | 'plain' | 'silent';

/** What progress writes to: process.stdout, or anything that writes and says whether it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type ProgressFigure = string | number;

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function chooseProgressMode(out: ProgressStream, env: NodeJS.ProcessEnv): ProgressMode {
  return out.isTTY === true && !isCi(env) ? 'live' : 'plain';
}

/** One line, at most `max` characters, control characters (runs of them) turned into a space. */
export function progressText(text: string, max: number): string {
  // Removing control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface ProgressLineOptions {
  out: ProgressStream;
  mode: ProgressMode;
  /** The live line's text, asked again at each redraw (so that a clock in it moves on its own). */
  text: () => string;
  /** Leave the last live line on the screen at stop, above what comes next; cleared unless set. */
  keepLastLine?: boolean;
}

export interface ProgressLine {
  readonly mode: ProgressMode;
  /** Live: redraws the line now (and it redraws itself each second). Plain or silent: nothing. */
  redraw(): void;
  /** A whole line that stays: printed above the live line (drawn below it), or as a plain line; nothing when silent. */
  print(line: string): void;
  /** Ends the live line and its timer. Safe to call twice. */
  stop(): void;
}

/** Lines are cut to the terminal's width, so that a long one never wraps onto a second line. */
function cutToWidth(line: string, columns: number | undefined): string {
  const width = columns !== undefined && columns > 10 ? columns - 1 : 120;
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function startLiveLine(out: ProgressStream, options: ProgressLineOptions): cliProgress.MultiBar {
  const bars = new cliProgress.MultiBar({
    // cli-progress writes to its stream and moves the cursor with readline, which only calls write().
    stream: out as NodeJS.WritableStream,
    format: () => cutToWidth(options.text(), out.columns),
    fps: 1,
    forceRedraw: true, // a line printed above it moves it down: draw it again even when unchanged
    clearOnComplete: options.keepLastLine !== true,
    linewrap: false,
    hideCursor: false, // a crash must not leave the cursor hidden
    gracefulExit: false, // drills own SIGINT/SIGTERM (they restore the stack)
  });
  // cli-progress re-arms its redraw timer after each redraw; unref it so that it never keeps a finished
  // process alive.
  bars.on('update-post', () => (bars as unknown as { timer: NodeJS.Timeout | null }).timer?.unref());
  bars.create(1, 0);
  bars.update();
  return bars;
}

export function createProgressLine(options: ProgressLineOptions): ProgressLine {
  const { out, mode } = options;
  let live: cliProgress.MultiBar | null = null;
  let stopped = false;
  return {
    mode,
    redraw() {
      if (mode !== 'live' || stopped) return;
      if (live === null) live = startLiveLine(out, options);
      else live.update();
    },
    print(line) {
      if (mode === 'silent') return;
      if (live === null) {
        out.write(`${line}\n`);
        if (mode === 'live' && !stopped) live = startLiveLine(out, options);
        return;
      }
      live.log(`${line}\n`);
      live.update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      live?.stop();
      live = null;
    },
  };
}

/** A bar counting work done out of a known total, e.g. students graded; for live mode only. */
export function createCountBar(format: string, out: ProgressStream = process.stderr): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    { format, hideCursor: true, stream: out as NodeJS.WritableStream },
    cliProgress.Presets.shades_classic,
  );
}
