import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { type UndoAction, undoActionSchema } from './undoActions.ts';

// The drill journal: an append-only JSON Lines file. Before a drill changes anything it appends an
// 'intent' entry carrying the undo; after the change, 'applied'; after putting it back, 'undone'.
// Every append is written and fsynced before the call returns (synchronously, so that it also holds in
// a signal handler and right before a crash), which is what lets `labdrill restore` trust the file.

export type JournalPhase = 'intent' | 'applied' | 'undone' | 'undo-failed' | 'finished';

export interface JournalEntry {
  /** Position in this file, counted from 1. */
  seq: number;
  /** ISO 8601 time of the append. */
  at: string;
  runId: string;
  /** The drill's check id, e.g. s3.website.deny-then-allow. */
  drill: string;
  /** The step's name, unique within a run; 'run' for the 'finished' entry. */
  step: string;
  phase: JournalPhase;
  /** On 'intent' (and repeated on 'applied', so one unreadable line cannot lose it). */
  undo?: UndoAction;
  detail?: string;
}

/** What a caller appends; the journal adds seq and at. */
export type NewJournalEntry = Omit<JournalEntry, 'seq' | 'at'>;

export const journalLimits = {
  /** An 'intent' that would take the file past this size is refused, so no new change can start. */
  maxBytes: 10 * 1024 * 1024,
  /**
   * Room kept past maxBytes for the entries that close what was started ('applied', 'undone', 'finished'…),
   * so that a full journal never stops a rollback from being recorded. Nothing is appended beyond it.
   */
  closingReserveBytes: 1024 * 1024,
  /** One entry; a policy (20 KiB at most) and its escaping fit well inside. */
  maxLineBytes: 128 * 1024,
  detailChars: 2_000,
} as const;

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

// Entries are read with the undo left loose: a journal line whose undo this version does not know must
// still count as an intent (so restore reports it) rather than vanish as an unreadable line.
const storedEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  runId: z.string().min(1).max(200),
  drill: z.string().min(1).max(200),
  step: z.string().min(1).max(200),
  phase: z.enum(['intent', 'applied', 'undone', 'undo-failed', 'finished']),
  undo: z.unknown().optional(),
  detail: z.string().optional(),
});

/** An entry as read back: `undo` is set when it is one this version can carry out, else `undoProblem` says why. */
export interface ReadJournalEntry extends Omit<JournalEntry, 'undo'> {
  /** 1-based line number in the file. */
  line: number;
  undo?: UndoAction;
  undoProblem?: string;
  /** The undo exactly as stored, for reports when it could not be read. */
  rawUndo?: unknown;
}

export interface SkippedLine {
  line: number;
  reason: string;
}

export interface JournalContents {
  path: string;
  /** False when there is no journal file yet (nothing was ever journalled there). */
  exists: boolean;
  entries: ReadJournalEntry[];
  /** Lines that could not be read. The last line may be torn by a crash mid-write; that is expected. */
  skipped: SkippedLine[];
  /** True when the file ends in a partial line (a crash during an append). */
  tornTail: boolean;
  bytes: number;
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Reads a journal file, tolerating a torn last line and reporting any other unreadable line. */
export function readJournal(path: string): JournalContents {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    // A little headroom over maxBytes: the last append may have been cut mid-line by a crash.
    const size = statSync(absolute).size;
    if (size > journalLimits.maxBytes + journalLimits.closingReserveBytes + journalLimits.maxLineBytes) {
      throw new JournalError(
        `${absolute} is ${size} bytes, more than a journal may hold; is it the right file?`,
      );
    }
    bytes = readFileSync(absolute);
  } catch (error) {
    if (isMissingFile(error)) {
      return { path: absolute, exists: false, entries: [], skipped: [], tornTail: false, bytes: 0 };
    }
    throw error;
  }
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const tornTail = !text.endsWith('\n') && text.length > 0;
  // split leaves one '' after a final newline; a torn tail is the last element instead.
  const complete = lines.slice(0, -1);
  const entries: ReadJournalEntry[] = [];
  const skipped: SkippedLine[] = [];
  complete.forEach((lineText, index) => {
    const line = index + 1;
    if (lineText.trim() === '') return;
    const entry = parseLine(lineText, line);
    if ('reason' in entry) skipped.push(entry);
    else entries.push(entry);
  });
  if (tornTail) {
    // A torn line can still be complete JSON when only the newline was lost; then it counts.
    const line = lines.length;
    const entry = parseLine(lines[lines.length - 1] ?? '', line);
    if ('reason' in entry)
      skipped.push({ line, reason: 'torn by an interrupted write (expected after a crash)' });
    else entries.push(entry);
  }
  return { path: absolute, exists: true, entries, skipped, tornTail, bytes: bytes.length };
}

function parseLine(lineText: string, line: number): ReadJournalEntry | SkippedLine {
  let json: unknown;
  try {
    json = JSON.parse(lineText);
  } catch {
    return { line, reason: 'not JSON' };
  }
  const parsed = storedEntrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      line,
      reason: `not a journal entry (${issue?.path.join('.') || 'entry'}: ${issue?.message ?? '?'})`,
    };
  }
  const { undo: rawUndo, ...rest } = parsed.data;
  const entry: ReadJournalEntry = { ...rest, line };
  if (rawUndo !== undefined) {
    const undo = undoActionSchema.safeParse(rawUndo);
    if (undo.success) entry.undo = undo.data;
    else {
      const issue = undo.error.issues[0];
      entry.undoProblem = `undo not understood (${issue?.path.join('.') || 'undo'}: ${issue?.message ?? '?'})`;
      entry.rawUndo = rawUndo;
    }
  }
  return entry;
}

/** Flushes a directory so that a newly created file's name survives a crash. */
function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch (error) {
    // Some platforms (Windows) and file systems cannot fsync a directory; the file's own fsync still holds.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Appends to one journal file. Opening it never changes it; the first append creates it. */
export class Journal {
  readonly path: string;
  private nextSeq: number;
  private size: number;
  private endsMidLine: boolean;

  private constructor(path: string, contents: JournalContents) {
    this.path = path;
    this.nextSeq = 1;
    this.size = 0;
    this.endsMidLine = false;
    this.catchUp(contents);
  }

  private catchUp(contents: JournalContents): void {
    const lastSeq = contents.entries.reduce((max, e) => Math.max(max, e.seq), 0);
    this.nextSeq = Math.max(lastSeq, contents.entries.length + contents.skipped.length) + 1;
    this.size = contents.bytes;
    this.endsMidLine = contents.tornTail;
  }

  /** Another process (a restore, a second drill) may have appended since: continue after its entries. */
  private catchUpIfChanged(): void {
    let size = 0;
    try {
      size = statSync(this.path).size;
    } catch (error) {
      if (!isMissingFile(error)) throw error;
    }
    if (size !== this.size) this.catchUp(readJournal(this.path));
  }

  static open(path: string): Journal {
    const absolute = resolve(path);
    return new Journal(absolute, readJournal(absolute));
  }

  /** Appends one entry; returns once it is on disk. Throws JournalError when the journal is full. */
  append(entry: NewJournalEntry): JournalEntry {
    this.catchUpIfChanged();
    const full: JournalEntry = {
      seq: this.nextSeq,
      at: new Date().toISOString(),
      runId: entry.runId,
      drill: entry.drill,
      step: entry.step,
      phase: entry.phase,
      ...(entry.undo !== undefined ? { undo: entry.undo } : {}),
      ...(entry.detail !== undefined ? { detail: entry.detail.slice(0, journalLimits.detailChars) } : {}),
    };
    // A torn line left by a crash is closed first, so this entry starts on a line of its own.
    const line = `${this.endsMidLine ? '\n' : ''}${JSON.stringify(full)}\n`;
    const length = Buffer.byteLength(line);
    if (length > journalLimits.maxLineBytes) {
      throw new JournalError(`journal entry for ${entry.drill}/${entry.step} is ${length} bytes, too large`);
    }
    const limit = journalLimits.maxBytes + (entry.phase === 'intent' ? 0 : journalLimits.closingReserveBytes);
    if (this.size + length > limit) {
      throw new JournalError(
        `${this.path} is full (${this.size} bytes); run \`labdrill restore\`, then move the journal aside`,
      );
    }
    const directory = dirname(this.path);
    mkdirSync(directory, { recursive: true });
    let created = false;
    let fd: number;
    try {
      fd = openSync(this.path, 'wx');
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fd = openSync(this.path, 'a');
    }
    try {
      const buffer = Buffer.from(line);
      let written = 0;
      while (written < buffer.length) written += writeSync(fd, buffer, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (created) fsyncDirectory(directory);
    this.size += length;
    this.endsMidLine = false;
    this.nextSeq += 1;
    return full;
  }
}
