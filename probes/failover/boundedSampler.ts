// A periodic sampler that always ends by itself: at most maxSamples samples over at most maxDurationMs,
// one at a time (a sample that takes long delays the next, it never piles up), stoppable at any moment.
// The failover observers are built on it.

export interface SamplerLimits {
  /** Time from the start of one sample to the start of the next. */
  everyMs: number;
  maxSamples: number;
  maxDurationMs: number;
}

export interface Sampler<S> {
  /** The samples so far, oldest first. */
  readonly samples: readonly S[];
  /** Resolves with every sample once the sampler has ended (by its bounds or by stop()). */
  readonly done: Promise<S[]>;
  /** Ends the sampler after the sample in progress (each take is bounded by its own timeout). */
  stop(): Promise<S[]>;
}

export function startSampler<S>(
  take: (index: number) => Promise<S>,
  limits: SamplerLimits,
  onSample?: (sample: S) => void,
): Sampler<S> {
  const samples: S[] = [];
  const started = Date.now();
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

  const done = (async () => {
    while (!stopped && samples.length < limits.maxSamples && Date.now() - started < limits.maxDurationMs) {
      const stepStarted = Date.now();
      const sample = await take(samples.length);
      samples.push(sample);
      onSample?.(sample);
      const rest = limits.everyMs - (Date.now() - stepStarted);
      if (!stopped && rest > 0) await pause(rest);
    }
    return samples;
  })();

  return {
    samples,
    done,
    stop() {
      stopped = true;
      wake?.();
      return done;
    },
  };
}
