import { createHash } from 'node:crypto';
import { UsageError } from '../../cli/usageError.ts';

// `--shard K/N`: which share of a roster one job of a CI matrix grades. A student's shard comes from a
// hash of their id, never from their place in the roster, so adding, removing or reordering students
// never moves anyone else to another shard (a shard already graded stays valid), and the N shards
// together hold every student exactly once. The price: shards of a small class may differ in size.

export interface ShardSpec {
  /** 1-based. */
  k: number;
  n: number;
}

/** More jobs than this is a typo, not a class. */
const maxShards = 1_000;

/** Parses `K/N` (1 ≤ K ≤ N); UsageError with one line on anything else. */
export function parseShard(text: string): ShardSpec {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  if (!match) throw new UsageError(`--shard must be K/N, e.g. --shard 2/4 (got ${shown})`);
  const k = Number(match[1]);
  const n = Number(match[2]);
  if (n < 1 || n > maxShards) throw new UsageError(`--shard K/N: N must be 1–${maxShards} (got ${shown})`);
  if (k < 1 || k > n) throw new UsageError(`--shard K/N: K must be 1–${n} (got ${shown})`);
  return { k, n };
}

/** The 1-based shard a student id belongs to among n. */
export function shardOf(id: string, n: number): number {
  // 48 bits of SHA-256: uniform enough that `mod n` has no bias worth the name for n ≤ 1000.
  const digest = createHash('sha256').update(id, 'utf8').digest();
  return (digest.readUIntBE(0, 6) % n) + 1;
}

/** The students of shard k of n, in their roster order. */
export function pickShard<T extends { id: string }>(students: readonly T[], k: number, n: number): T[] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`shard ${k}/${n}: need integers with 1 ≤ K ≤ N`);
  }
  return students.filter((student) => shardOf(student.id, n) === k);
}
