import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClassSummary } from '../../../reports/grading/classSummary.ts';
import { appendFakeHistory, fakeGrade, writeStudentRun } from './fakeGrades.ts';

// The class summary is read from the student folders alone: each student's latest grade, their best,
// when each item first passed, and for a student with no score the reason, never a silent 0.

const root = mkdtempSync(join(tmpdir(), 'labdrill-class-summary-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const items = (alb: number, s3: number) => [
  { check: 'alb.round-robin', points: alb, max: 5 },
  { check: 's3.website.public-read', points: s3, max: 3 },
];

describe('buildClassSummary', () => {
  const out = join(root, 'class');
  // s002: two runs, the second better; s001: one full-marks run; s003: graded once, then not graded.
  writeStudentRun(out, 's002', fakeGrade({ at: '2026-03-01T09:00:00.000Z', items: items(2, 3) }));
  writeStudentRun(out, 's002', fakeGrade({ at: '2026-03-02T09:00:00.000Z', items: items(5, 0) }));
  writeStudentRun(out, 's001', fakeGrade({ at: '2026-03-01T08:00:00.000Z', items: items(5, 3) }));
  writeStudentRun(out, 's003', fakeGrade({ at: '2026-03-01T07:00:00.000Z', items: items(0, 3) }));
  writeStudentRun(
    out,
    's003',
    fakeGrade({
      at: '2026-03-02T07:00:00.000Z',
      status: 'not-graded',
      reasons: ['alb.round-robin: aws.access-denied: the grader role may not call DescribeTargetHealth'],
      items: [{ check: 'alb.round-robin', points: 0, max: 5, status: 'not-graded' }, items(0, 3)[1]!],
    }),
  );
  // s005: grade.json but no history (graded before history was kept); s006: a grade.json that is not one.
  mkdirSync(join(out, 's005'));
  writeFileSync(
    join(out, 's005', 'grade.json'),
    JSON.stringify(fakeGrade({ at: '2026-03-01T06:00:00.000Z', items: items(5, 0) })),
  );
  mkdirSync(join(out, 's006'));
  writeFileSync(
    join(out, 's006', 'grade.json'),
    JSON.stringify({ ...fakeGrade({ at: '2026-03-01T06:00:00.000Z', items: items(5, 3) }), score: '100' }),
  );
  // s007: the latest grade.json went missing, its history has the runs.
  mkdirSync(join(out, 's007'));
  appendFakeHistory(join(out, 's007'), fakeGrade({ at: '2026-03-01T05:00:00.000Z', items: items(5, 3) }));

  const roster = ['s007', 's006', 's005', 's004', 's003', 's002', 's001'].map((id) => ({
    id,
    name: `Name ${id}`,
  }));
  const summary = buildClassSummary({
    outDir: out,
    course: 'cloud-basics-2026',
    rubric: 'lamp-alb-efs',
    students: roster,
    generatedAt: '2026-03-10T00:00:00.000Z',
  });
  const byId = new Map(summary.students.map((student) => [student.id, student]));

  it('lists every roster student once, sorted by id, with the course, rubric and given time', () => {
    expect(summary.schema).toBe('labdrill.summary/1');
    expect(summary.course).toBe('cloud-basics-2026');
    expect(summary.rubric).toBe('lamp-alb-efs');
    expect(summary.generatedAt).toBe('2026-03-10T00:00:00.000Z');
    expect(summary.students.map((s) => s.id)).toEqual([
      's001',
      's002',
      's003',
      's004',
      's005',
      's006',
      's007',
    ]);
    expect(summary.students.map((s) => s.folder)).toEqual(summary.students.map((s) => `${s.id}/`));
  });

  it('gives the latest score and items, the best run and when each item first passed', () => {
    expect(byId.get('s001')).toMatchObject({ status: 'graded', score: 8, max: 8, runs: 1, reasons: [] });
    const s002 = byId.get('s002')!;
    expect(s002).toMatchObject({
      name: 'Name s002',
      status: 'graded',
      score: 5,
      max: 8,
      runs: 2,
      best: { score: 5, max: 8, at: '2026-03-01T09:00:00.000Z' },
      latest: { at: '2026-03-02T09:00:00.000Z', status: 'graded' },
    });
    expect(s002.items).toEqual([
      {
        check: 'alb.round-robin',
        criterion: 'Criterion of alb.round-robin',
        status: 'earned',
        points: 5,
        max: 5,
        firstPassedAt: '2026-03-02T09:00:00.000Z',
      },
      {
        check: 's3.website.public-read',
        criterion: 'Criterion of s3.website.public-read',
        status: 'lost',
        points: 0,
        max: 3,
        firstPassedAt: '2026-03-01T09:00:00.000Z',
      },
    ]);
  });

  it('shows a not-graded student with no score, the reason, and their best earlier score', () => {
    expect(byId.get('s003')).toMatchObject({
      status: 'not-graded',
      score: null,
      max: null,
      reasons: ['alb.round-robin: aws.access-denied: the grader role may not call DescribeTargetHealth'],
      best: { score: 3, max: 8, at: '2026-03-01T07:00:00.000Z' },
      latest: { at: '2026-03-02T07:00:00.000Z', status: 'not-graded' },
      runs: 2,
    });
  });

  it('says a student without a folder has not been graded', () => {
    expect(byId.get('s004')).toEqual({
      id: 's004',
      name: 'Name s004',
      status: 'not-graded',
      score: null,
      max: null,
      reasons: ['no folder s004/: this student has not been graded'],
      items: [],
      best: null,
      latest: { at: '', status: 'not-graded' },
      runs: 0,
      folder: 's004/',
    });
  });

  it('counts a grade.json missing from the history as a run, and reads the history when grade.json is bad or gone', () => {
    expect(byId.get('s005')).toMatchObject({ status: 'graded', score: 5, max: 8, runs: 1 });
    expect(byId.get('s006')).toMatchObject({ status: 'not-graded', score: null, runs: 0 });
    expect(byId.get('s006')!.reasons[0]).toMatch(
      /^s006\/: grade\.json is not a grade: score: .*; no history to fall back on$/,
    );
    expect(byId.get('s007')).toMatchObject({ status: 'graded', score: 8, runs: 1 });
    expect(byId.get('s007')!.reasons).toEqual([
      's007/: no grade.json; the latest run in its history is shown',
    ]);
  });

  it('refuses a student id that is not a safe folder name', () => {
    expect(() =>
      buildClassSummary({
        outDir: out,
        course: 'c',
        rubric: 'r',
        students: [{ id: '../../etc', name: 'x' }],
        generatedAt: 'now',
      }),
    ).toThrow(/not a safe folder name/);
  });

  it('cuts a display name to 200 characters', () => {
    const long = buildClassSummary({
      outDir: out,
      course: 'c',
      rubric: 'r',
      students: [{ id: 's001', name: 'n'.repeat(5000) }],
      generatedAt: 'now',
    });
    expect(long.students[0]!.name.length).toBeLessThanOrEqual(201);
  });
});
