import { createHash } from 'node:crypto';
import {
  type Dirent,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  copyFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { UsageError } from '../../cli/usageError.ts';
import { studentIdPattern } from '../../config/roster.ts';
import {
  buildClassSummary,
  compareIds,
  gradeFileName,
  readGradeFile,
  type SummaryStudentInput,
} from './classSummary.ts';
import type { ClassSummary } from './gradeModel.ts';
import { historyFileName } from './history.ts';
import { type SummaryFiles, writeSummaryFiles } from './summaryFiles.ts';

// `labdrill grade merge --out DIR SHARD_DIR…`: the folders of a CI matrix's shard jobs joined into one
// folder, with the summary that one unsharded run into that folder would have written. The student
// folders are copied (not linked: shard artifacts are usually deleted after the merge job), and the
// summary is built from the copies exactly as a grading run builds it.
//
// A student found in two shards with the same files is taken once. With different files, the merge is
// refused: shards of one `--shard K/N` matrix never share a student, so two different gradings of one
// student mean the shard folders come from different runs, and silently keeping one of them (say the
// newest) could publish a grade the course did not mean to. Re-running the merge replaces the folders it
// copied before.

/** Who is in the class, when the merge is given the roster (its order does not matter). */
export interface MergeRoster {
  course: string;
  students: readonly SummaryStudentInput[];
}

export interface MergeOptions {
  /** The summary's generatedAt; now by default. A test passes the unsharded run's to compare the two. */
  generatedAt?: string;
  /** The rubric's name, when no shard's summary.json or grade.json names it. */
  rubric?: string;
}

export interface MergeResult {
  summary: ClassSummary;
  files: SummaryFiles;
  /** Student folders copied into the output folder. */
  copied: number;
  /** Things the merge went past: symlinks skipped, folders of students not on the roster. */
  warnings: string[];
}

/** A shard's summary.json is a few MiB at most; a larger one is not ours. */
const maxSummaryBytes = 64 * 1024 * 1024;
/** What one student's folder may hold: a report with its pages, and far more than that is not ours. */
const maxStudentFolderBytes = 256 * 1024 * 1024;
const maxFolderDepth = 4;
/** A file that marks a folder as a student's. */
const studentFiles = [gradeFileName, historyFileName, 'report.json'];

interface ShardStudentFolder {
  id: string;
  shardDir: string;
  path: string;
  fingerprint: string;
}

interface ShardSummary {
  course: string;
  rubric: string;
  students: SummaryStudentInput[];
}

export function mergeShardFolders(
  outDir: string,
  shardDirs: readonly string[],
  roster?: MergeRoster,
  options: MergeOptions = {},
): MergeResult {
  if (shardDirs.length === 0) throw new UsageError('grade merge: give at least one shard folder');
  const out = resolve(outDir);
  const shards = shardDirs.map((dir) => resolve(dir));
  for (const shard of shards) {
    if (!isDirectory(shard)) throw new UsageError(`grade merge: ${shard} is not a folder`);
    if (shard === out)
      throw new UsageError(`grade merge: the output folder ${out} cannot also be a shard folder`);
  }
  if (new Set(shards).size !== shards.length)
    throw new UsageError('grade merge: a shard folder is given twice');

  const warnings: string[] = [];
  const summaries = shards.flatMap((shard) => {
    const summary = readShardSummary(shard);
    return summary ? [summary] : [];
  });

  // Every student folder of every shard; the same student twice only with the same files.
  const folders = new Map<string, ShardStudentFolder>();
  for (const shard of shards) {
    for (const folder of studentFoldersOf(shard, warnings)) {
      const key = folder.id.toLowerCase();
      const earlier = folders.get(key);
      if (!earlier) folders.set(key, folder);
      else if (earlier.fingerprint !== folder.fingerprint || earlier.id !== folder.id) {
        throw new UsageError(
          `grade merge: student ${folder.id} is in both ${earlier.shardDir} and ${folder.shardDir} with different files; shards of one matrix never share a student, so these folders come from different runs`,
        );
      }
    }
  }

  const course =
    roster?.course ??
    agreed(
      summaries.map((s) => s.course),
      'course',
    );
  if (course === undefined) {
    throw new UsageError(
      'grade merge: no shard folder has a summary.json naming the course; pass the roster',
    );
  }
  const rubric =
    agreed(
      summaries.map((s) => s.rubric),
      'rubric',
    ) ??
    agreed(
      [...folders.values()].flatMap((folder) => {
        const grade = readGradeFile(folder.path);
        return 'grade' in grade ? [grade.grade.rubric] : [];
      }),
      'rubric',
    ) ??
    options.rubric;
  if (rubric === undefined)
    throw new UsageError('grade merge: no shard folder names the rubric; pass its name');

  const students = roster ? [...roster.students] : studentsOfShards(summaries, folders);
  const listed = new Set(students.map((student) => student.id.toLowerCase()));
  for (const [key, folder] of folders) {
    if (!listed.has(key))
      warnings.push(`${folder.path}: ${folder.id} is not on the roster; copied, not summarized`);
  }

  mkdirSync(out, { recursive: true });
  const ordered = [...folders.values()].sort((a, b) => compareIds(a.id, b.id));
  for (const folder of ordered) replaceFolder(folder.path, join(out, folder.id));

  const summary = buildClassSummary({
    outDir: out,
    course,
    rubric,
    students,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
  });
  const files = writeSummaryFiles(out, summary);
  return { summary, files, copied: ordered.length, warnings };
}

/** The value every source agrees on, undefined when there is none; a disagreement is refused. */
function agreed(values: readonly string[], field: string): string | undefined {
  const distinct = [...new Set(values)];
  if (distinct.length > 1) {
    const shown = distinct.slice(0, 3).map((value) => JSON.stringify(value.slice(0, 80)));
    throw new UsageError(`grade merge: the shards disagree on the ${field}: ${shown.join(', ')}`);
  }
  return distinct[0];
}

/** Without a roster: the students the shards' summaries list, and any folder they do not list. */
function studentsOfShards(
  summaries: readonly ShardSummary[],
  folders: ReadonlyMap<string, ShardStudentFolder>,
): SummaryStudentInput[] {
  const students = new Map<string, SummaryStudentInput>();
  for (const summary of summaries) {
    for (const student of summary.students) {
      const key = student.id.toLowerCase();
      const earlier = students.get(key);
      if (earlier && (earlier.name !== student.name || earlier.id !== student.id)) {
        throw new UsageError(`grade merge: the shards' summaries name student ${student.id} differently`);
      }
      students.set(key, student);
    }
  }
  for (const [key, folder] of folders)
    if (!students.has(key)) students.set(key, { id: folder.id, name: folder.id });
  return [...students.values()];
}

function readShardSummary(shard: string): ShardSummary | null {
  const file = join(shard, 'summary.json');
  let value: unknown;
  try {
    if (statSync(file).size > maxSummaryBytes)
      throw new UsageError(`grade merge: ${file} is too large to be a summary`);
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`grade merge: ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const summary = value as Partial<ClassSummary> | null;
  if (
    summary === null ||
    typeof summary !== 'object' ||
    summary.schema !== 'labdrill.summary/1' ||
    typeof summary.course !== 'string' ||
    typeof summary.rubric !== 'string' ||
    !Array.isArray(summary.students)
  ) {
    throw new UsageError(`grade merge: ${file} is not a labdrill class summary`);
  }
  const students = summary.students.map((student: unknown, index) => {
    const entry = student as { id?: unknown; name?: unknown } | null;
    const id = entry?.id;
    if (typeof id !== 'string' || !studentIdPattern.test(id)) {
      throw new UsageError(`grade merge: ${file}: students.${index}.id is not a student id`);
    }
    return { id, name: typeof entry?.name === 'string' ? entry.name : id };
  });
  return { course: summary.course, rubric: summary.rubric, students };
}

function studentFoldersOf(shard: string, warnings: string[]): ShardStudentFolder[] {
  const found: ShardStudentFolder[] = [];
  for (const entry of readdirSync(shard, { withFileTypes: true })) {
    if (!entry.isDirectory() || !studentIdPattern.test(entry.name)) continue;
    const path = join(shard, entry.name);
    if (!studentFiles.some((name) => isFile(join(path, name)))) continue;
    found.push({ id: entry.name, shardDir: shard, path, fingerprint: fingerprintOf(path, warnings) });
  }
  return found;
}

/** A digest of a folder's regular files (names and contents); symlinks and the rest do not count. */
function fingerprintOf(dir: string, warnings: string[]): string {
  const hash = createHash('sha256');
  let total = 0;
  for (const file of regularFiles(dir, (path) =>
    warnings.push(`${path}: not a regular file or folder, not copied`),
  )) {
    const content = readFileSync(file);
    total += content.length;
    if (total > maxStudentFolderBytes) {
      throw new UsageError(`grade merge: ${dir} holds more than ${maxStudentFolderBytes / 1024 / 1024} MiB`);
    }
    hash.update(relative(dir, file)).update('\0').update(String(content.length)).update('\0').update(content);
  }
  return hash.digest('hex');
}

/**
 * Regular files under dir, sorted by path. Symlinks are skipped and reported: a shard artifact is not
 * trusted to point anywhere, and copying through a link could pull any file of the merge machine in.
 */
function regularFiles(dir: string, onSkipped: (path: string) => void, depth = 0): string[] {
  const entries: Dirent[] = readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    compareIds(a.name, b.name),
  );
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isFile()) files.push(path);
    else if (entry.isDirectory() && depth < maxFolderDepth)
      files.push(...regularFiles(path, onSkipped, depth + 1));
    else onSkipped(path);
  }
  return files;
}

/** Copies a student folder over any earlier copy: into a temporary folder first, then renamed into place. */
function replaceFolder(from: string, to: string): void {
  const temporary = `${to}.merging-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  for (const file of regularFiles(from, () => {})) {
    const target = join(temporary, relative(from, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  if (lstatExists(to)) rmSync(to, { recursive: true, force: true });
  renameSync(temporary, to);
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
