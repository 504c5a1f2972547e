import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/usageError.ts';
import { buildClassSummary } from '../../../reports/grading/classSummary.ts';
import { mergeShardFolders } from '../../../reports/grading/mergeShards.ts';
import { pickShard } from '../../../reports/grading/shard.ts';
import { writeSummaryFiles } from '../../../reports/grading/summaryFiles.ts';
import { fakeGrade, writeStudentRun } from './fakeGrades.ts';

// A class graded as three shards of a CI matrix and merged must give the course exactly what one
// unsharded run gives: every score and verdict, and the same summary files byte for byte.

const root = mkdtempSync(join(tmpdir(), 'labdrill-merge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const generatedAt = '2026-03-10T12:00:00.000Z';
const course = 'cloud-basics-2026';
const rubric = 'lamp-alb-efs';
const roster = Array.from({ length: 14 }, (_, i) => {
  const id = `s${String(i + 1).padStart(3, '0')}`;
  return { id, name: i === 3 ? '<img src=x onerror=alert(1)>' : `Student ${i + 1}` };
});
/** s014 is on the roster but its grading never got to write anything. */
const neverGraded = 's014';

/** What grading one student writes, the same whichever job grades them. */
function gradeStudent(outDir: string, id: string, index: number): void {
  if (id === neverGraded) return;
  const alb = index % 6;
  const s3 = index % 4;
  if (index % 3 === 0) {
    // A first run, weaker, kept in the history.
    writeStudentRun(
      outDir,
      id,
      fakeGrade({
        at: '2026-03-01T10:00:00.000Z',
        items: [
          { check: 'alb.round-robin', points: 0, max: 5 },
          { check: 's3.website.public-read', points: 3, max: 3 },
        ],
      }),
    );
  }
  const deniedGrader = index === 5;
  writeStudentRun(
    outDir,
    id,
    fakeGrade({
      at: '2026-03-02T10:00:00.000Z',
      status: deniedGrader ? 'not-graded' : 'graded',
      reasons: deniedGrader ? ['alb.round-robin: aws.access-denied: the grader role'] : [],
      items: [
        {
          check: 'alb.round-robin',
          points: deniedGrader ? 0 : Math.min(alb, 5),
          max: 5,
          ...(deniedGrader ? { status: 'not-graded' as const } : {}),
        },
        { check: 's3.website.public-read', points: s3, max: 3 },
      ],
    }),
  );
}

/** One grading job: the students given, graded into outDir, with that job's summary. */
function gradingJob(outDir: string, students: typeof roster): void {
  mkdirSync(outDir, { recursive: true });
  for (const student of students) gradeStudent(outDir, student.id, roster.indexOf(student));
  writeSummaryFiles(outDir, buildClassSummary({ outDir, course, rubric, students, generatedAt }));
}

function summaryFilesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    ['summary.json', 'summary.csv', 'summary.html'].map((name) => [
      name,
      readFileSync(join(dir, name), 'utf8'),
    ]),
  );
}

function folderContents(dir: string): Record<string, string> {
  const contents: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      contents[path.slice(dir.length + 1)] = readFileSync(path, 'utf8');
    }
  }
  return contents;
}

describe('mergeShardFolders', () => {
  const unsharded = join(root, 'unsharded');
  gradingJob(unsharded, roster);
  const shardDirs = [1, 2, 3].map((k) => {
    const dir = join(root, `shard-${k}`);
    gradingJob(dir, pickShard(roster, k, 3));
    return dir;
  });

  it('writes, from shards 1/3, 2/3 and 3/3 and the roster, the summary of one unsharded run', () => {
    const merged = join(root, 'merged-with-roster');
    const result = mergeShardFolders(merged, shardDirs, { course, students: roster }, { generatedAt });
    expect(result.warnings).toEqual([]);
    expect(result.copied).toBe(roster.length - 1);
    const expected = JSON.parse(readFileSync(join(unsharded, 'summary.json'), 'utf8'));
    expect(result.summary).toEqual(expected);
    // Every score and verdict, said plainly, before the byte-for-byte comparison.
    const verdicts = (summary: typeof result.summary) =>
      summary.students.map((s) => [
        s.id,
        s.status,
        s.score,
        s.max,
        s.best?.score ?? null,
        s.runs,
        s.items.map((i) => [i.check, i.status, i.points]),
      ]);
    expect(verdicts(result.summary)).toEqual(verdicts(expected));
    expect(result.summary.students.find((s) => s.id === 's006')).toMatchObject({
      status: 'not-graded',
      score: null,
    });
    expect(result.summary.students.find((s) => s.id === neverGraded)).toMatchObject({
      status: 'not-graded',
      runs: 0,
    });
    expect(summaryFilesOf(merged)).toEqual(summaryFilesOf(unsharded));
    expect(folderContents(merged)).toEqual(folderContents(unsharded));
  });

  it("writes the same summary without the roster, from the shards' own summaries", () => {
    const merged = join(root, 'merged-without-roster');
    const result = mergeShardFolders(merged, [...shardDirs].reverse(), undefined, { generatedAt });
    expect(summaryFilesOf(merged)).toEqual(summaryFilesOf(unsharded));
    expect(result.summary.students.map((s) => s.name)).toContain('<img src=x onerror=alert(1)>');
  });

  it('can be run again into the same folder, replacing what it copied before', () => {
    const merged = join(root, 'merged-twice');
    mergeShardFolders(merged, shardDirs, { course, students: roster }, { generatedAt });
    writeFileSync(join(merged, 's001', 'stale.txt'), 'from an earlier merge');
    mergeShardFolders(merged, shardDirs, { course, students: roster }, { generatedAt });
    expect(folderContents(merged)).toEqual(folderContents(unsharded));
  });

  it('takes a student found in two shards with the same files once, and refuses one with different files', () => {
    const copy = join(root, 'shard-copy');
    const [first] = shardDirs;
    const someone = readdirSync(first!).find((name) => /^s\d{3}$/.test(name))!;
    gradingJob(
      copy,
      roster.filter((s) => s.id === someone),
    );
    const merged = join(root, 'merged-duplicate');
    // Same files: the duplicate is harmless.
    const same = mergeShardFolders(
      merged,
      [...shardDirs, copy],
      { course, students: roster },
      { generatedAt },
    );
    expect(same.summary).toEqual(JSON.parse(readFileSync(join(unsharded, 'summary.json'), 'utf8')));

    writeStudentRun(
      copy,
      someone,
      fakeGrade({ at: '2026-03-05T10:00:00.000Z', items: [{ check: 'alb.round-robin', points: 5, max: 5 }] }),
    );
    let caught: unknown;
    try {
      mergeShardFolders(
        join(root, 'merged-conflict'),
        [...shardDirs, copy],
        { course, students: roster },
        { generatedAt },
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toMatch(
      new RegExp(`student ${someone} is in both .* with different files`),
    );
    expect((caught as Error).message).not.toContain('\n');
  });

  it('refuses shards of different courses, an output folder that is a shard, and no shard at all', () => {
    const other = join(root, 'other-course');
    mkdirSync(other);
    writeSummaryFiles(
      other,
      buildClassSummary({ outDir: other, course: 'another course', rubric, students: [], generatedAt }),
    );
    expect(() => mergeShardFolders(join(root, 'm1'), [shardDirs[0]!, other])).toThrow(
      /the shards disagree on the course: "cloud-basics-2026", "another course"/,
    );
    expect(() => mergeShardFolders(shardDirs[0]!, shardDirs)).toThrow(/cannot also be a shard folder/);
    expect(() => mergeShardFolders(join(root, 'm2'), [])).toThrow(UsageError);
    expect(() => mergeShardFolders(join(root, 'm3'), [join(root, 'missing')])).toThrow(/is not a folder/);
  });

  it('does not copy symbolic links out of a shard, and says so', () => {
    const shard = join(root, 'shard-with-link');
    gradingJob(shard, roster.slice(0, 1));
    symlinkSync('/etc/passwd', join(shard, roster[0]!.id, 'passwd'));
    const merged = join(root, 'merged-link');
    const result = mergeShardFolders(merged, [shard], undefined, { generatedAt });
    expect(readdirSync(join(merged, roster[0]!.id)).sort()).toEqual([
      'grade.json',
      'history.jsonl',
      'report.html',
      'report.json',
    ]);
    expect(result.warnings).toEqual([
      `${join(shard, roster[0]!.id, 'passwd')}: not a regular file or folder, not copied`,
    ]);
  });
});
