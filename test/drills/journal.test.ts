import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalPathFor } from '../../config/stackPaths.ts';
import { Journal, JournalError, journalLimits, readJournal } from '../../drills/journal.ts';
import type { UndoAction } from '../../drills/undoActions.ts';

const root = mkdtempSync(join(tmpdir(), 'labdrill-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `case-${++counter}`, 'nested', 'journal.jsonl');

const undo: UndoAction = {
  type: 's3.putBucketPolicy',
  bucket: 'lab-bucket',
  policy: '{"Version":"2012-10-17"}',
};
const base = { runId: 'run-1', drill: 's3.website.deny-then-allow', step: 'remove-policy' };

describe('journal', () => {
  it('creates the file (and its directory) on the first append and has each entry on disk when append returns', () => {
    const path = freshPath();
    const journal = Journal.open(path);
    expect(existsSync(path)).toBe(false);
    const intent = journal.append({ ...base, phase: 'intent', undo });
    // Read with a separate file read, right after the call: the line is already there.
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toEqual(intent);
    expect(intent.seq).toBe(1);
    expect(Number.isNaN(Date.parse(intent.at))).toBe(false);
    journal.append({ ...base, phase: 'applied', undo, detail: 'policy deleted' });
    const read = readJournal(path);
    expect(read.exists).toBe(true);
    expect(read.tornTail).toBe(false);
    expect(read.skipped).toEqual([]);
    expect(read.entries.map((e) => [e.seq, e.phase, e.line])).toEqual([
      [1, 'intent', 1],
      [2, 'applied', 2],
    ]);
    expect(read.entries[0]?.undo).toEqual(undo);
    expect(read.entries[1]?.detail).toBe('policy deleted');
  });

  it('continues the sequence after reopening and after another writer appended', () => {
    const path = freshPath();
    Journal.open(path).append({ ...base, phase: 'intent', undo });
    const first = Journal.open(path);
    const second = Journal.open(path);
    expect(first.append({ ...base, phase: 'applied', undo }).seq).toBe(2);
    expect(second.append({ ...base, phase: 'undone', undo }).seq).toBe(3);
  });

  it('reports a missing journal as empty, not as an error', () => {
    const read = readJournal(join(root, 'never-written.jsonl'));
    expect(read).toMatchObject({ exists: false, entries: [], skipped: [], tornTail: false });
  });

  it('tolerates a torn last line, and the next append starts on a line of its own', () => {
    const path = freshPath();
    const journal = Journal.open(path);
    journal.append({ ...base, phase: 'intent', undo });
    // A crash in the middle of the second append leaves half a line.
    appendFileSync(path, '{"seq":2,"at":"2026-01-01T00:00:00.000Z","runId":"run-1","dri');
    const torn = readJournal(path);
    expect(torn.tornTail).toBe(true);
    expect(torn.entries).toHaveLength(1);
    expect(torn.skipped).toEqual([{ line: 2, reason: expect.stringMatching(/torn/) }]);

    const after = Journal.open(path);
    after.append({ ...base, phase: 'applied', undo });
    const read = readJournal(path);
    expect(read.tornTail).toBe(false);
    expect(read.entries.map((e) => e.phase)).toEqual(['intent', 'applied']);
    expect(read.entries[1]?.line).toBe(3);
    expect(read.skipped.map((s) => s.line)).toEqual([2]);
  });

  it('keeps a last line that lost only its newline', () => {
    const path = freshPath();
    Journal.open(path).append({ ...base, phase: 'intent', undo });
    writeFileSync(path, readFileSync(path, 'utf8').trimEnd());
    const read = readJournal(path);
    expect(read.tornTail).toBe(true);
    expect(read.entries).toHaveLength(1);
    expect(read.skipped).toEqual([]);
  });

  it('keeps an intent whose undo it does not understand, saying why', () => {
    const path = freshPath();
    Journal.open(path).append({ ...base, phase: 'intent', undo });
    appendFileSync(
      path,
      `${JSON.stringify({ seq: 2, at: new Date().toISOString(), ...base, step: 'x', phase: 'intent', undo: { type: 'efs.restore' } })}\n`,
    );
    appendFileSync(path, 'not json at all\n');
    const read = readJournal(path);
    expect(read.entries).toHaveLength(2);
    expect(read.entries[1]?.undo).toBeUndefined();
    expect(read.entries[1]?.undoProblem).toMatch(/undo not understood/);
    expect(read.skipped).toEqual([{ line: 3, reason: 'not JSON' }]);
  });

  it('refuses a new intent past its size limit, but keeps room to record what closes a started change', () => {
    const path = freshPath();
    const journal = Journal.open(path);
    journal.append({ ...base, phase: 'intent', undo });
    appendFileSync(path, `${'x'.repeat(journalLimits.maxBytes - 200)}\n`);
    const full = Journal.open(path);
    expect(() => full.append({ ...base, step: 'another', phase: 'intent', undo })).toThrow(JournalError);
    expect(() => full.append({ ...base, step: 'another', phase: 'intent', undo })).toThrow(/is full/);
    expect(full.append({ ...base, phase: 'undone', undo }).phase).toBe('undone');
    expect(full.append({ ...base, step: 'run', phase: 'finished' }).phase).toBe('finished');
    // Past the reserve too, nothing at all is appended.
    appendFileSync(path, `${'x'.repeat(journalLimits.closingReserveBytes)}\n`);
    expect(() => Journal.open(path).append({ ...base, step: 'run', phase: 'finished' })).toThrow(/is full/);
  });

  it('refuses one oversized entry', () => {
    const journal = Journal.open(freshPath());
    expect(() => journal.append({ ...base, phase: 'intent', undo, detail: 'y'.repeat(1000) })).not.toThrow();
    const huge: UndoAction = { type: 'none', note: 'z'.repeat(journalLimits.maxLineBytes) };
    expect(() => journal.append({ ...base, step: 'huge', phase: 'intent', undo: huge })).toThrow(/too large/);
  });

  it('lives at chaos.journal when set, else .labdrill/journal.jsonl under the current directory', () => {
    expect(journalPathFor({ chaos: { allow: true, journal: 'state/j.jsonl' } }, '/srv/lab')).toBe(
      '/srv/lab/state/j.jsonl',
    );
    expect(journalPathFor({}, '/srv/lab')).toBe('/srv/lab/.labdrill/journal.jsonl');
    expect(journalPathFor(undefined)).toBe(resolve('.labdrill/journal.jsonl'));
  });
});
