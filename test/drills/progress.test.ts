import { describe, expect, it } from 'vitest';
import {
  chooseDrillProgressMode,
  createDrillProgress,
  formatDrillProgressLine,
  isCi,
} from '../../drills/progress.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 60, write: (text: string) => writes.push(text) } };
}

describe('drill progress', () => {
  it('chooses a live line only on a terminal outside CI', () => {
    expect(chooseDrillProgressMode({ isTTY: true, write: () => true }, {})).toBe('live');
    expect(chooseDrillProgressMode({ isTTY: true, write: () => true }, { CI: 'true' })).toBe('plain');
    expect(chooseDrillProgressMode({ isTTY: false, write: () => true }, {})).toBe('plain');
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: '1' })).toBe(true);
  });

  it('prints plain lines at phase changes and notes, without redraw codes', () => {
    const { writes, out } = stream(false);
    const progress = createDrillProgress({ out, env: {}, label: 'rds.failover.drill' });
    expect(progress.mode).toBe('plain');
    progress.phase('method');
    progress.figure('endpoint ip', '10.1.3.7');
    progress.figure('downtime s', 4);
    progress.note('changed: reboot-with-failover');
    progress.phase('rollback');
    progress.stop('pass: endpoint moved');
    progress.stop('twice is harmless');
    const text = writes.join('');
    expect(text.includes('\r') || text.includes('\u001b')).toBe(false);
    expect(text.split('\n').filter(Boolean)).toEqual([
      'rds.failover.drill 0s method',
      'rds.failover.drill: changed: reboot-with-failover',
      'rds.failover.drill 0s rollback  endpoint ip 10.1.3.7  downtime s 4',
      'rds.failover.drill: pass: endpoint moved',
    ]);
  });

  it('redraws one line on a terminal, cut to its width, and keeps notes above it', () => {
    const { writes, out } = stream(true);
    const progress = createDrillProgress({ out, env: {}, label: 'asg.scale-out.drill' });
    expect(progress.mode).toBe('live');
    progress.phase('method');
    progress.figure('desired', 3);
    progress.figure('in service', 'x'.repeat(100));
    progress.note('changed: start-load');
    progress.stop();
    const redraws = writes.filter((w) => w.startsWith('\r\x1b[2K') && w.length > 5);
    expect(redraws.length).toBeGreaterThanOrEqual(3);
    for (const line of redraws) expect(line.length - 5).toBeLessThanOrEqual(59);
    expect(writes).toContain('asg.scale-out.drill: changed: start-load\n');
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('strips control characters from figures that came from a peer', () => {
    const { writes, out } = stream(false);
    const progress = createDrillProgress({ out, env: {}, label: 'd' });
    progress.figure('status', 'ok\x1b[31mred\nnext');
    progress.phase('verify');
    progress.stop();
    expect(writes.join('')).toContain('status ok [31mred next');
    expect(formatDrillProgressLine('d', 'p', 2500, new Map([['a', 1]]))).toBe('d 3s p  a 1');
  });
});
