// labdrill's one polling loop. Every repeated look (a sampler during a failover, a group observer during a
// scale-out, the ALB during a self-heal, a wait for a group or a website to settle) is this loop with its own
// `take`. It always ends by itself: after maxPolls looks or maxDurationMs, on stop(), or when the signal
// aborts. Looks run one at a time, start to start `everyMs` apart: a slow look delays the next one and looks
// never pile up. No look starts after maxDurationMs, and the loop never sleeps towards a look that would not
// start.

export interface PollBounds {
  /** Time from the start of one look to the start of the next (the first gap, when `growth` is set). */
  everyMs: number;
  /** A wait before the first look too (a command just sent is never done at once); none by default. */
  firstLookAfterMs?: number;
  /** Gaps that grow after each look, up to maxEveryMs: for waits that are usually short but may be long. */
  growth?: { factor: number; maxEveryMs: number };
  /** Most looks; unbounded by count only when maxDurationMs bounds it. */
  maxPolls?: number;
  maxDurationMs: number;
  /** Ends the loop after the look in progress (each look is bounded by its own timeout). */
  signal?: AbortSignal;
}

/** Why a loop ended. */
export type PollEnd = 'met' | 'stopped' | 'aborted' | 'max-polls' | 'max-duration';

export interface Poller {
  /** Looks taken so far. */
  readonly polls: number;
  /** Resolves once the loop has ended, with why. */
  readonly done: Promise<PollEnd>;
  /** Ends the loop after the look in progress and waits for it. */
  stop(): Promise<PollEnd>;
}

/**
 * Starts the loop. `take` makes one look; `onResult` sees each result and may return 'stop' to end the
 * loop there (the end is then 'met').
 */
export function startPoller<R>(
  take: (index: number) => Promise<R>,
  bounds: PollBounds,
  onResult?: (result: R, index: number) => void | 'stop',
): Poller {
  const started = Date.now();
  const maxPolls = bounds.maxPolls ?? Number.POSITIVE_INFINITY;
  let polls = 0;
  let gapMs = bounds.everyMs;
  let firstWaitDone = !(bounds.firstLookAfterMs && bounds.firstLookAfterMs > 0);
  let stopped = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });
  const onAbort = () => wake?.();
  bounds.signal?.addEventListener('abort', onAbort, { once: true });

  const done = (async (): Promise<PollEnd> => {
    try {
      for (;;) {
        if (stopped) return 'stopped';
        if (bounds.signal?.aborted) return 'aborted';
        if (polls >= maxPolls) return 'max-polls';
        if (Date.now() - started >= bounds.maxDurationMs) return 'max-duration';
        if (!firstWaitDone) {
          firstWaitDone = true;
          if (bounds.firstLookAfterMs! >= bounds.maxDurationMs) return 'max-duration';
          await pause(bounds.firstLookAfterMs!);
          continue;
        }
        const lookStarted = Date.now();
        const index = polls;
        polls += 1;
        const result = await take(index);
        if (onResult?.(result, index) === 'stop') return 'met';
        if (stopped) return 'stopped';
        if (bounds.signal?.aborted) return 'aborted';
        if (polls >= maxPolls) return 'max-polls';
        const nextStart = Math.max(Date.now(), lookStarted + gapMs);
        if (bounds.growth) gapMs = Math.min(bounds.growth.maxEveryMs, gapMs * bounds.growth.factor);
        if (nextStart - started >= bounds.maxDurationMs) return 'max-duration';
        const rest = nextStart - Date.now();
        if (rest > 0) await pause(rest);
      }
    } finally {
      bounds.signal?.removeEventListener('abort', onAbort);
    }
  })();

  return {
    get polls() {
      return polls;
    },
    done,
    stop() {
      stopped = true;
      wake?.();
      return done;
    },
  };
}

export interface PollOutcome<R> {
  /** Whether `isMet` held for the last look. */
  met: boolean;
  /** The last look's result (undefined only when no look was taken, e.g. already aborted). */
  last: R | undefined;
  polls: number;
  end: PollEnd;
}

/** Looks until `isMet` holds for a result, within the bounds; the last result either way. */
export async function pollUntil<R>(
  take: (index: number) => Promise<R>,
  isMet: (result: R) => boolean,
  bounds: PollBounds,
): Promise<PollOutcome<R>> {
  let last: R | undefined;
  let met = false;
  const poller = startPoller(take, bounds, (result) => {
    last = result;
    met = isMet(result);
    return met ? 'stop' : undefined;
  });
  const end = await poller.done;
  return { met, last, polls: poller.polls, end };
}

export interface Sampler<S> {
  /** The samples so far, oldest first. */
  readonly samples: readonly S[];
  /** Resolves with every sample once the loop has ended (by its bounds, its signal or stop()). */
  readonly done: Promise<S[]>;
  /** Ends the loop after the sample in progress. */
  stop(): Promise<S[]>;
}

/** The loop keeping every result: the failover observers' samples (bounded by maxPolls). */
export function startSampler<S>(
  take: (index: number) => Promise<S>,
  bounds: PollBounds & { maxPolls: number },
  onSample?: (sample: S) => void,
): Sampler<S> {
  const samples: S[] = [];
  const poller = startPoller(take, bounds, (sample) => {
    samples.push(sample);
    onSample?.(sample);
  });
  const done = poller.done.then(() => samples);
  return {
    samples,
    done,
    stop: () => poller.stop().then(() => samples),
  };
}
