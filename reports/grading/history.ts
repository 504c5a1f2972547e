import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { appendFile, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Grade } from './gradeModel.ts';
import { parseGrade } from './gradeRecord.ts';

// Every grading run of a student is kept, one Grade per line of DIR/<id>/history.jsonl, so the summary
// can show the latest and the best score and when each item first earned all its points. Lines are only
// ever appended. A run killed mid-write leaves a torn last line: reading skips it, and the next append
// starts on a fresh line so it never glues itself to the torn one.

export const historyFileName = 'history.jsonl';
/** One Grade is a few KiB; a line past this is not ours and is skipped (and never written). */
export const maxHistoryLineBytes = 256 * 1024;
/** Only the newest part of a very long history is read. */
const maxHistoryReadBytes = 16 * 1024 * 1024;

/** Appends one run to STUDENT_DIR/history.jsonl (creating the folder and file as needed). */
export async function appendHistory(studentDir: string, grade: Grade): Promise<void> {
  const line = boundedLine(grade);
  await mkdir(studentDir, { recursive: true });
  const file = join(studentDir, historyFileName);
  const separator = (await endsWithNewline(file)) ? '' : '\n';
  await appendFile(file, `${separator}${line}\n`);
}

export interface History {
  /** The runs, oldest first (in the order they were appended). */
  runs: Grade[];
  /** Lines that were not a Grade (torn, too long, edited by hand). */
  skippedLines: number;
}

/** Reads STUDENT_DIR/history.jsonl; a folder without one has no runs. */
export function readHistory(studentDir: string): History {
  const file = join(studentDir, historyFileName);
  if (!existsSync(file)) return { runs: [], skippedLines: 0 };
  const { text, cutAtStart } = readTail(file, maxHistoryReadBytes);
  const lines = text.split('\n');
  // Reading from the middle of the file starts mid-line: that first piece is not a line.
  if (cutAtStart) lines.shift();
  const runs: Grade[] = [];
  let skippedLines = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const grade = Buffer.byteLength(line) <= maxHistoryLineBytes ? gradeOfLine(line) : null;
    if (grade) runs.push(grade);
    else skippedLines += 1;
  }
  return { runs, skippedLines };
}

export interface HistoryDigest {
  latest: Grade | null;
  /** The best graded run: highest share of its points possible, then most points, then earliest. */
  best: { score: number; max: number; at: string } | null;
  runs: number;
  /** For each check id: when it first earned all its points (status earned, max > 0), or null. */
  firstPassedAt: Record<string, string | null>;
}

/** Latest, best and first passes over runs given oldest first. */
export function digestHistory(runs: readonly Grade[]): HistoryDigest {
  let best: HistoryDigest['best'] = null;
  const firstPassedAt: Record<string, string | null> = {};
  for (const run of runs) {
    for (const item of run.items) {
      if (!(item.check in firstPassedAt)) firstPassedAt[item.check] = null;
      if (firstPassedAt[item.check] === null && item.status === 'earned' && item.max > 0) {
        firstPassedAt[item.check] = run.gradedAt;
      }
    }
    if (run.status !== 'graded') continue;
    if (best === null || isBetter(run, best)) best = { score: run.score, max: run.max, at: run.gradedAt };
  }
  return { latest: runs.at(-1) ?? null, best, runs: runs.length, firstPassedAt };
}

function share(score: number, max: number): number {
  return max > 0 ? score / max : 0;
}

function isBetter(run: Grade, best: { score: number; max: number }): boolean {
  const runShare = share(run.score, run.max);
  const bestShare = share(best.score, best.max);
  if (runShare !== bestShare) return runShare > bestShare;
  return run.score > best.score;
}

function gradeOfLine(line: string): Grade | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = parseGrade(value);
  return 'grade' in parsed ? parsed.grade : null;
}

/**
 * The Grade as one line within the bound. An oversized Grade (a check with enormous reasons) keeps its
 * score and items, with each item's why and parts' details cut, rather than being lost from the history.
 */
function boundedLine(grade: Grade): string {
  const line = JSON.stringify(grade);
  if (Buffer.byteLength(line) <= maxHistoryLineBytes) return line;
  const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);
  const slim: Grade = {
    ...grade,
    reasons: grade.reasons.slice(0, 50).map(cut),
    items: grade.items.map((item) => ({
      ...item,
      why: cut(item.why),
      ...(item.parts ? { parts: item.parts.map((part) => ({ ...part, detail: cut(part.detail) })) } : {}),
    })),
  };
  const slimLine = JSON.stringify(slim);
  if (Buffer.byteLength(slimLine) > maxHistoryLineBytes) {
    throw new RangeError(`a grade of ${grade.items.length} items does not fit in a history line`);
  }
  return slimLine;
}

/** Whether the file ends a line (an empty or missing file does): the next append starts a fresh line. */
async function endsWithNewline(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

function readTail(file: string, maxBytes: number): { text: string; cutAtStart: boolean } {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    return { text: buffer.subarray(0, read).toString('utf8'), cutAtStart: size > length };
  } finally {
    closeSync(fd);
  }
}
