import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLoadProgress } from '../../loadgen/progress.ts';
import type { LoadResult, LoadSecond } from '../../loadgen/results.ts';

class CapturedStream extends Writable {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 200,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

function second(t: number): LoadSecond {
  return {
    t,
    requests: 1000,
    rps: 1000,
    errors: 1,
    timeouts: 0,
    non2xx: 2,
    latencyP50Ms: 1.5,
    latencyP99Ms: 12.25,
    targets: {},
  };
}

const result: LoadResult = {
  url: 'http://127.0.0.1:8080/',
  startedAt: '2026-01-01T00:00:00.000Z',
  endedAt: '2026-01-01T00:00:10.000Z',
  stoppedBy: 'condition',
  totals: {
    requests: 10_000,
    sent: 10_004,
    errors: 3,
    timeouts: 1,
    non2xx: 2,
    bytes: 123_456,
    rpsMean: 1000,
    latency: { p50: 1.5, p90: 4, p99: 12.25, max: 40, mean: 2 },
  },
  series: [],
  targetShares: { 'i-0aaa': 0.5, 'i-0bbb': 0.5 },
  sampling: { sampled: 100, identified: 100 },
  warnings: [],
};

describe('progress', () => {
  it('plain mode prints one line every 5 s and a final line', () => {
    const out = new CapturedStream(false);
    const progress = createLoadProgress({ out, env: {}, label: 'scale-out' });
    expect(progress.mode).toBe('plain');
    for (let t = 1; t <= 11; t++) progress.onSecond(second(t));
    const lines = out.text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('scale-out t=5s  1,000 req/s  p50 1.50 ms  p99 12.3 ms  err 1  non2xx 2');
    expect(out.text).not.toContain('\u001b');
    expect(out.text).not.toContain('\r');
    const summary = progress.finish(result);
    expect(out.text.trimEnd().split('\n')).toHaveLength(3);
    expect(out.text).toContain('scale-out stopped by condition after 10.0 s: 10,000 requests, 1,000 req/s');
    expect(summary).toEqual({
      url: 'http://127.0.0.1:8080/',
      stoppedBy: 'condition',
      durationS: 10,
      requests: 10_000,
      rpsMean: 1000,
      errors: 3,
      timeouts: 1,
      non2xx: 2,
      latencyMs: { p50: 1.5, p99: 12.25, max: 40 },
      targetShares: { 'i-0aaa': 0.5, 'i-0bbb': 0.5 },
      figures: {},
    });
  });

  it('live mode redraws one line with the caller figures, cleaned of control codes', () => {
    const out = new CapturedStream(true, 300);
    const progress = createLoadProgress({ out, env: {}, totalS: 60 });
    expect(progress.mode).toBe('live');
    progress.setFigure('cpu', '63%');
    progress.setFigure('desired', 4);
    progress.setFigure('inService', '3\u001b[2J\n');
    progress.onSecond(second(1));
    progress.onSecond(second(2));
    expect(out.text).toContain(
      'load 2/60s  1,000 req/s  p50 1.50 ms  p99 12.3 ms  err 1  non2xx 2  | cpu 63%  desired 4  inService 3 [2J',
    );
    expect(out.text).not.toContain('\u001b[2J');
    expect(out.text).not.toContain('\n');
    const summary = progress.finish(result);
    expect(summary.figures).toEqual({ cpu: '63%', desired: 4, inService: '3 [2J' });
    expect(out.text.endsWith('\n')).toBe(true);
  });

  it('silent mode writes nothing, yet still summarises', () => {
    const out = new CapturedStream(false);
    const progress = createLoadProgress({ out, mode: 'silent' });
    for (let t = 1; t <= 10; t++) progress.onSecond(second(t));
    expect(progress.finish(result).requests).toBe(10_000);
    expect(out.text).toBe('');
  });
});
