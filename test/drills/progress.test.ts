import { describe, expect, it } from 'vitest';
import { createDrillProgress, formatDrillProgressLine } from '../../drills/progress.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 60, write: (text: string) => writes.push(text) } };
}

describe('drill progress', () => {
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
    // cli-progress moves to the line's start (ESC[1G), writes the line, then clears what is right of it.
    const redraws = writes.filter((w, i) => writes[i - 1] === '\x1b[1G' && writes[i + 1] === '\x1b[0K');
    expect(redraws.length).toBeGreaterThanOrEqual(3);
    for (const line of redraws) {
      expect(line.startsWith('asg.scale-out.drill ')).toBe(true);
      expect(line.length).toBeLessThanOrEqual(59);
    }
    expect(redraws.at(-1)).toMatch(/^asg\.scale-out\.drill 0s method {2}desired 3 {2}in service x+…$/);
    // The note is a whole line, written over a cleared line, and the live line is drawn again below it.
    const noteAt = writes.indexOf('asg.scale-out.drill: changed: start-load\n');
    expect(noteAt).toBeGreaterThan(0);
    expect(writes[noteAt - 1]).toBe('\x1b[2K');
    expect(writes.slice(noteAt + 1)).toContain(redraws.at(-1));
    // stop() clears the line (back to its start, then everything below) and writes nothing after.
    expect(writes.slice(-2)).toEqual(['\x1b[1G', '\x1b[0J']);
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
