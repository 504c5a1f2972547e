import { describe, expect, it } from 'vitest';
import { errorLine } from '../../drills/errorLine.ts';

describe('errorLine', () => {
  it("quotes the first line of an error's message, bounded", () => {
    expect(errorLine(new Error('first\nsecond'))).toBe('first');
    expect(errorLine(new Error('x'.repeat(600)))).toHaveLength(500);
    expect(errorLine('plain text\nmore')).toBe('plain text');
    expect(errorLine(new TypeError('bad'))).toBe('bad');
  });

  it('puts a name other than plain Error first when asked (the restore report)', () => {
    const denied = Object.assign(new Error('User is not authorized\ndetails'), {
      name: 'AccessDeniedException',
    });
    expect(errorLine(denied, { name: true })).toBe('AccessDeniedException: User is not authorized');
    expect(errorLine(new Error('plain'), { name: true })).toBe('plain');
    expect(errorLine(42, { name: true })).toBe('42');
    expect(errorLine(new Error(`${'y'.repeat(600)}`), { name: true })).toHaveLength(500);
  });
});
