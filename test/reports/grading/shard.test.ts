import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/usageError.ts';
import { parseShard, pickShard, shardOf } from '../../../reports/grading/shard.ts';

// --shard K/N: every student in exactly one shard, chosen by their id, so the roster can grow or be
// reordered without moving anyone already graded to another job of the matrix.

const roster = Array.from({ length: 60 }, (_, i) => ({
  id: `s${String(i + 1).padStart(3, '0')}`,
  name: `Student ${i + 1}`,
}));

describe('parseShard', () => {
  it.each([
    ['1/3', { k: 1, n: 3 }],
    [' 3 / 3 ', { k: 3, n: 3 }],
    ['1/1', { k: 1, n: 1 }],
  ])('reads %j', (text, spec) => {
    expect(parseShard(text)).toEqual(spec);
  });

  it.each([
    ['0/3', /K must be 1–3/],
    ['4/3', /K must be 1–3/],
    ['1/0', /N must be 1–1000/],
    ['3', /--shard must be K\/N/],
    ['a/b', /--shard must be K\/N/],
    ['1/3/5', /--shard must be K\/N/],
    ['-1/3', /--shard must be K\/N/],
    ['1.5/3', /--shard must be K\/N/],
  ])('refuses %j with one line', (text, message) => {
    let caught: unknown;
    try {
      parseShard(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(message);
    expect((caught as Error).message).toContain(JSON.stringify(text));
    expect((caught as Error).message).not.toContain('\n');
  });
});

describe('pickShard', () => {
  it('splits a roster into 1/3, 2/3 and 3/3 holding every student exactly once', () => {
    const shards = [1, 2, 3].map((k) => pickShard(roster, k, 3));
    const ids = shards.flatMap((shard) => shard.map((student) => student.id));
    expect(ids.length).toBe(roster.length);
    expect(new Set(ids).size).toBe(roster.length);
    expect([...ids].sort()).toEqual(roster.map((student) => student.id));
    // 60 students over 3 shards: a hash gives each a fair share, not an exact one.
    for (const shard of shards) expect(shard.length).toBeGreaterThanOrEqual(10);
  });

  it('keeps roster order within a shard', () => {
    const shard = pickShard(roster, 2, 3);
    expect(shard.map((s) => s.id)).toEqual([...shard.map((s) => s.id)].sort());
  });

  it('moves nobody when the roster grows, shrinks or is reordered', () => {
    const before = new Map(roster.map((s) => [s.id, shardOf(s.id, 4)]));
    const changed = [{ id: 'late-joiner', name: 'Late' }, ...roster.slice(5).reverse()];
    for (let k = 1; k <= 4; k += 1) {
      for (const student of pickShard(changed, k, 4)) {
        if (student.id !== 'late-joiner') expect(before.get(student.id)).toBe(k);
      }
    }
  });

  it('is the same on every call and for one shard is the whole roster', () => {
    expect(pickShard(roster, 2, 5)).toEqual(pickShard(roster, 2, 5));
    expect(pickShard(roster, 1, 1)).toEqual(roster);
    expect(() => pickShard(roster, 4, 3)).toThrow(RangeError);
  });
});
