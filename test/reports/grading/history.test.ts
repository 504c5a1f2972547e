import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appendHistory,
  digestHistory,
  historyFileName,
  maxHistoryLineBytes,
  readHistory,
} from '../../../reports/grading/history.ts';
import { fakeGrade } from './fakeGrades.ts';

// Each grading run of a student is one line of their history.jsonl: kept across runs, read back even
// after a run was killed mid-write, and digested into the latest, the best and each item's first pass.

const root = mkdtempSync(join(tmpdir(), 'labdrill-history-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
function studentDir(): string {
  count += 1;
  return join(root, `s${count}`);
}

const first = fakeGrade({
  at: '2026-03-01T10:00:00.000Z',
  items: [
    { check: 'alb.round-robin', points: 2, max: 5 },
    { check: 's3.website.public-read', points: 3, max: 3 },
  ],
});
const second = fakeGrade({
  at: '2026-03-02T10:00:00.000Z',
  items: [
    { check: 'alb.round-robin', points: 5, max: 5 },
    { check: 's3.website.public-read', points: 0, max: 3 },
  ],
});
const notGraded = fakeGrade({
  at: '2026-03-03T10:00:00.000Z',
  status: 'not-graded',
  reasons: ['alb.round-robin: aws.access-denied (the grader role)'],
  items: [
    { check: 'alb.round-robin', points: 0, max: 5, status: 'not-graded' },
    { check: 's3.website.public-read', points: 3, max: 3 },
  ],
});

describe('history.jsonl', () => {
  it('keeps every run in order, one line each', async () => {
    const dir = studentDir();
    expect(readHistory(dir)).toEqual({ runs: [], skippedLines: 0 });
    for (const grade of [first, second, notGraded]) await appendHistory(dir, grade);
    const text = readFileSync(join(dir, historyFileName), 'utf8');
    expect(text.split('\n')).toHaveLength(4);
    expect(readHistory(dir)).toEqual({ runs: [first, second, notGraded], skippedLines: 0 });
  });

  it('skips a torn last line, and the next run starts a line of its own', async () => {
    const dir = studentDir();
    await appendHistory(dir, first);
    const torn = JSON.stringify(second).slice(0, 120);
    appendFileSync(join(dir, historyFileName), torn);
    expect(readHistory(dir)).toEqual({ runs: [first], skippedLines: 1 });
    await appendHistory(dir, notGraded);
    expect(readHistory(dir)).toEqual({ runs: [first, notGraded], skippedLines: 1 });
  });

  it('skips lines that are not grades and lines past the bound', async () => {
    const dir = studentDir();
    await appendHistory(dir, first);
    const file = join(dir, historyFileName);
    appendFileSync(file, '{"schema":"labdrill.grade/1","score":"lots"}\n');
    appendFileSync(file, `${JSON.stringify({ ...second, padding: 'x'.repeat(maxHistoryLineBytes) })}\n`);
    appendFileSync(file, 'null\n\n');
    await appendHistory(dir, second);
    expect(readHistory(dir)).toEqual({ runs: [first, second], skippedLines: 3 });
  });

  it('writes a grade with enormous reasons as a line within the bound, keeping its score', async () => {
    const dir = studentDir();
    const huge = { ...second, items: second.items.map((item) => ({ ...item, why: 'w'.repeat(200_000) })) };
    await appendHistory(dir, huge);
    const line = readFileSync(join(dir, historyFileName), 'utf8').trimEnd();
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(maxHistoryLineBytes);
    const [run] = readHistory(dir).runs;
    expect(run?.score).toBe(second.score);
    expect(run?.items[0]?.why.length).toBeLessThan(400);
  });

  it('keeps unknown fields of a grade (newer optional fields survive)', async () => {
    const dir = studentDir();
    await appendHistory(dir, { ...first, ...{ durationMs: 1234 } });
    expect(readHistory(dir).runs[0]).toMatchObject({ durationMs: 1234 });
  });
});

describe('digestHistory', () => {
  it('gives the latest run, the best graded score and when each item first earned all its points', () => {
    const digest = digestHistory([first, second, notGraded]);
    expect(digest.latest).toBe(notGraded);
    expect(digest.runs).toBe(3);
    // 5/8 and 5/8: a tie on share and points goes to the earlier run; the not-graded run never counts.
    expect(digest.best).toEqual({ score: 5, max: 8, at: '2026-03-01T10:00:00.000Z' });
    expect(digest.firstPassedAt).toEqual({
      'alb.round-robin': '2026-03-02T10:00:00.000Z',
      's3.website.public-read': '2026-03-01T10:00:00.000Z',
    });
  });

  it('ranks by share of the points possible, not by raw points', () => {
    const small = fakeGrade({ at: '2026-03-05T00:00:00.000Z', items: [{ check: 'a', points: 4, max: 4 }] });
    const large = fakeGrade({ at: '2026-03-06T00:00:00.000Z', items: [{ check: 'a', points: 6, max: 10 }] });
    expect(digestHistory([small, large]).best).toEqual({ score: 4, max: 4, at: small.gradedAt });
    const never = fakeGrade({ at: '2026-03-07T00:00:00.000Z', items: [{ check: 'a', points: 0, max: 4 }] });
    expect(digestHistory([never]).firstPassedAt).toEqual({ a: null });
    expect(digestHistory([])).toEqual({ latest: null, best: null, runs: 0, firstPassedAt: {} });
  });
});

it('reads a history that is not JSON lines at all without throwing', async () => {
  const dir = studentDir();
  await appendHistory(dir, first);
  writeFileSync(join(dir, historyFileName), '\u0000\u0001garbage');
  expect(readHistory(dir)).toEqual({ runs: [], skippedLines: 1 });
});
