import { describe, expect, it } from 'vitest';
import { chooseProgressMode, createProgressLine, isCi, progressText } from '../../reports/liveProgress.ts';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns: 60, write: (text: string) => writes.push(text) } };
}

describe('live progress', () => {
  it('chooses a live line only on a terminal outside CI', () => {
    expect(chooseProgressMode({ isTTY: true, write: () => true }, {})).toBe('live');
    expect(chooseProgressMode({ isTTY: true, write: () => true }, { CI: 'true' })).toBe('plain');
    expect(chooseProgressMode({ isTTY: false, write: () => true }, {})).toBe('plain');
    expect(chooseProgressMode({ write: () => true }, {})).toBe('plain');
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({ CI: 'FALSE' })).toBe(false);
    expect(isCi({ CI: '0' })).toBe(false);
    expect(isCi({ CI: '' })).toBe(false);
    expect(isCi({})).toBe(false);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'true' })).toBe(true);
  });

  it('keeps text to one short line without control characters', () => {
    expect(progressText('  ok\x1b[31mred\r\n\tnext \x07', 80)).toBe('ok [31mred next');
    expect(progressText('abcdef', 4)).toBe('abc…');
  });

  it('plain mode prints whole lines and never redraws; silent prints nothing', () => {
    const plain = stream(false);
    const line = createProgressLine({ out: plain.out, mode: 'plain', text: () => 'live text' });
    line.redraw();
    line.print('a line');
    line.stop();
    line.print('after stop');
    expect(plain.writes).toEqual(['a line\n', 'after stop\n']);

    const silent = stream(true);
    const quiet = createProgressLine({ out: silent.out, mode: 'silent', text: () => 'live text' });
    quiet.redraw();
    quiet.print('a line');
    quiet.stop();
    expect(silent.writes).toEqual([]);
  });

  it('live mode can leave its last line on the screen when it stops', () => {
    const { writes, out } = stream(true);
    let n = 0;
    const line = createProgressLine({ out, mode: 'live', text: () => `n ${(n += 1)}`, keepLastLine: true });
    line.redraw();
    line.stop();
    line.stop();
    line.redraw();
    line.print('final');
    const drawn = writes.filter((w) => w.startsWith('n '));
    expect(drawn).toEqual(['n 1', 'n 2']);
    expect(writes.slice(-2)).toEqual(['\n', 'final\n']);
  });
});
