// Per-target sampling: which backend served a response, read from about 1 in N bodies. The gaps
// between samples are random (uniform over 1..2N-1, mean N) rather than every N-th response: a
// round-robin balancer with as many targets as N (or a divisor of it) would otherwise put every
// sample on the same target.

/** Bodies are untrusted and can be huge; only this much of a sampled body is kept. */
export const MAX_SAMPLED_BODY_CHARS = 64 * 1024;
/** A target name longer than this is cut, so a hostile page can't grow the report. */
export const MAX_TARGET_NAME_CHARS = 200;
/** Distinct targets tracked; any beyond this are counted under OTHER_TARGETS. */
export const MAX_DISTINCT_TARGETS = 1000;
export const OTHER_TARGETS = '(other)';

export type Identify = (body: string) => string | null;

export class TargetSampler {
  private untilNext: number;
  private readonly second = new Map<string, number>();
  private readonly total = new Map<string, number>();
  sampled = 0;
  identified = 0;
  /** Messages from identify throwing, first few only. */
  readonly failures: string[] = [];

  constructor(
    private readonly every: number,
    private readonly identify: Identify,
    private readonly random: () => number = Math.random,
  ) {
    this.untilNext = this.nextGap();
  }

  private nextGap(): number {
    if (this.every <= 1) return 1;
    return 1 + Math.floor(this.random() * (2 * this.every - 1));
  }

  /** Called once per response, before its body arrives: true when that body should be read. */
  shouldSample(): boolean {
    this.untilNext -= 1;
    if (this.untilNext > 0) return false;
    this.untilNext = this.nextGap();
    return true;
  }

  /** Identifies the target behind a sampled body and counts it. */
  record(body: string): string | null {
    this.sampled += 1;
    let name: string | null;
    try {
      name = this.identify(
        body.length > MAX_SAMPLED_BODY_CHARS ? body.slice(0, MAX_SAMPLED_BODY_CHARS) : body,
      );
    } catch (error) {
      if (this.failures.length < 5)
        this.failures.push(`identify threw: ${String((error as Error)?.message ?? error)}`);
      return null;
    }
    if (typeof name !== 'string' || name === '') return null;
    if (name.length > MAX_TARGET_NAME_CHARS) name = name.slice(0, MAX_TARGET_NAME_CHARS);
    if (!this.total.has(name) && this.total.size >= MAX_DISTINCT_TARGETS) name = OTHER_TARGETS;
    this.identified += 1;
    this.second.set(name, (this.second.get(name) ?? 0) + 1);
    this.total.set(name, (this.total.get(name) ?? 0) + 1);
    return name;
  }

  /** Counts per target since the last call. */
  takeSecond(): Record<string, number> {
    const counts = Object.fromEntries(this.second);
    this.second.clear();
    return counts;
  }

  /** Share of identified samples per target over the whole run. */
  shares(): Record<string, number> {
    const shares: Record<string, number> = {};
    if (this.identified === 0) return shares;
    for (const [name, count] of this.total) shares[name] = count / this.identified;
    return shares;
  }
}
