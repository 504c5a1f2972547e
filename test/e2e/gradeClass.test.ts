import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { RunningTwin } from '../../fixtures/twin/startTwin.ts';
import type { ClassSummary, Grade } from '../../reports/grading/gradeModel.ts';
import { twinsForTests } from '../twinForTests.ts';
import { labdrill } from './labdrillCommand.ts';

// A class graded end to end: three twins at once (healthy, alb-sticky, s3-no-policy), a student whose stack
// file leaves out a required section, and one graded through a grader role the twin denies. The scores are
// the ones the rubric gives by hand; two shards merged equal the unsharded summary; a second run resumes.

const rubric = `
name: grading-test
title: Grading test rubric
items:
  - { check: s3.website.public-read, points: 2 }
  - { check: s3.policy.least-privilege, points: 2 }
  - { check: cf.cache.hit, points: 2 }
  - { check: alb.targets.healthy, points: 2 }
  - check: alb.round-robin
    points: 5
    parts: { every-target: 2, both-azs: 2, even-shares: 1 }
  - { check: ec2.app.page, points: 3 }
  - { check: net.vpc.layout, points: 2 }
  - { check: dns.custom-domain, points: 1, required: false }
`;

/** What the rubric gives each student, worked out by hand from the fault matrix's verdicts. */
const expected = {
  s001: { status: 'graded', score: 19, max: 19 }, // healthy: every point
  s002: { status: 'graded', score: 14, max: 19 }, // alb-sticky: all 5 of alb.round-robin lost (no part holds)
  s003: { status: 'graded', score: 13, max: 19 }, // s3-no-policy: public-read, policy and the cache hit lost
  s004: { status: 'graded', score: 17, max: 19 }, // no cloudfront section: the required cache-hit item scores 0
  s005: { status: 'not-graded' }, // a grader role that may read nothing: never a 0
} as const;

const work = mkdtempSync(join(tmpdir(), 'labdrill-grade-'));
const twinWith = twinsForTests();
const env: NodeJS.ProcessEnv = {};

/** The twin's stack file with its own password variable (each twin's database has its own password). */
function studentStack(
  twin: RunningTwin,
  id: string,
  edit: (stack: Record<string, unknown>) => void = () => {},
) {
  const stack = parse(readFileSync(twin.stackFile, 'utf8')) as Record<string, unknown>;
  const rds = stack.rds as { sql: { passwordEnv: string } };
  const variable = `LAB_DB_PASSWORD_${id.toUpperCase()}`;
  env[variable] = twin.awsEnv[rds.sql.passwordEnv];
  rds.sql.passwordEnv = variable;
  stack.name = id;
  edit(stack);
  const file = join(work, `${id}.yaml`);
  writeFileSync(file, stringify(stack));
  return `${id}.yaml`;
}

beforeAll(async () => {
  const [healthy, sticky, noPolicy] = await Promise.all(
    ['', 'alb-sticky', 's3-no-policy'].map((faults) => twinWith(faults)),
  );
  // The twins' fake credentials and region; each stack file names its own twin's endpoints.
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'])
    env[key] = healthy!.awsEnv[key];
  env.AWS_ENDPOINT_URL = '';
  writeFileSync(join(work, 'rubric.yaml'), rubric);
  const roster = {
    course: 'cloud-basics-test',
    rubric: 'rubric.yaml',
    students: [
      { id: 's001', name: 'Kim Minji', stack: studentStack(healthy!, 's001') },
      { id: 's002', name: 'Lee Jun', stack: studentStack(sticky!, 's002') },
      { id: 's003', name: 'Park Sora', stack: studentStack(noPolicy!, 's003') },
      {
        id: 's004',
        name: 'Choi Hana',
        stack: studentStack(healthy!, 's004', (stack) => delete stack.cloudfront),
      },
      {
        id: 's005',
        name: 'Jung Woo <script>alert(1)</script>',
        stack: studentStack(healthy!, 's005'),
        roleArn: 'arn:aws:iam::123456789012:role/labdrill-grader-denied',
      },
    ],
  };
  writeFileSync(join(work, 'class.yaml'), stringify(roster));
}, 240_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
});

function readSummary(dir: string): ClassSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as ClassSummary;
}

describe('labdrill grade', () => {
  it('grades a roster of twins with the scores the rubric gives by hand', async () => {
    const out = join(work, 'all');
    const result = await labdrill(
      [
        'grade',
        '--roster',
        join(work, 'class.yaml'),
        '--concurrency',
        '3',
        '--out',
        out,
        '--autograder',
        'gradescope',
      ],
      { env, timeoutMs: 300_000 },
    );
    // One student could not be graded (the denied role): the exit code says so.
    expect(result.code, result.explain()).toBe(1);
    const summary = readSummary(out);
    expect(summary.course).toBe('cloud-basics-test');
    const byId = Object.fromEntries(summary.students.map((student) => [student.id, student]));
    for (const [id, want] of Object.entries(expected)) {
      const student = byId[id]!;
      expect(student.status, `${id}: ${JSON.stringify(student.reasons)}`).toBe(want.status);
      if ('score' in want) {
        expect([student.score, student.max], `${id} items ${JSON.stringify(student.items)}`).toEqual([
          want.score,
          want.max,
        ]);
      }
      for (const file of ['report.json', 'report.html', 'grade.json', 'results.json'])
        expect(existsSync(join(out, id, file)), `${id}/${file}`).toBe(true);
    }
    // The points lost say why: the missing section, and the denied role's IAM action.
    const missing = JSON.parse(readFileSync(join(out, 's004', 'grade.json'), 'utf8')) as Grade;
    const cacheHit = missing.items.find((item) => item.check === 'cf.cache.hit')!;
    expect([cacheHit.status, cacheHit.points, cacheHit.verdict]).toEqual(['lost', 0, 'skip']);
    expect(cacheHit.why).toMatch(/cloudfront\.url/);
    const denied = byId.s005!;
    expect(denied.score).toBeNull();
    expect(denied.reasons.join('\n')).toMatch(/not authorized|AccessDenied|access denied/i);
    const sticky = JSON.parse(readFileSync(join(out, 's002', 'grade.json'), 'utf8')) as Grade;
    expect(
      sticky.items.find((item) => item.check === 'alb.round-robin')?.parts?.map((p) => p.passed),
    ).toEqual([false, false, false]);
    // The class summary's views.
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toMatch(/^.*s001.*19/m);
    const html = readFileSync(join(out, 'summary.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Jung Woo &lt;script&gt;');

    // A second run into the same folder keeps every graded student.
    const again = await labdrill(['grade', '--roster', join(work, 'class.yaml'), '--out', out], {
      env,
      timeoutMs: 300_000,
    });
    expect(again.stdout, again.explain()).toMatch(/kept from an earlier run/);
    expect(readSummary(out).students.map((s) => [s.id, s.score, s.runs])).toEqual(
      summary.students.map((s) => [s.id, s.score, s.runs]),
    );
    // --regrade grades everyone again; each student's history keeps both runs, and the best stays.
    const regraded = await labdrill(
      ['grade', '--roster', join(work, 'class.yaml'), '--out', out, '--regrade'],
      {
        env,
        timeoutMs: 300_000,
      },
    );
    expect(regraded.stdout, regraded.explain()).not.toMatch(/kept from an earlier run/);
    expect(readSummary(out).students.map((s) => [s.id, s.runs, s.best?.score ?? null])).toEqual(
      summary.students.map((s) => [s.id, 2, s.best?.score ?? null]),
    );
  }, 600_000);

  it('merges two shards into the summary one unsharded run writes', async () => {
    const whole = join(work, 'whole');
    const shards = [join(work, 'shard-1'), join(work, 'shard-2')];
    const roster = join(work, 'class.yaml');
    await Promise.all([
      labdrill(['grade', '--roster', roster, '--out', whole], { env, timeoutMs: 300_000 }),
      ...shards.map((dir, index) =>
        labdrill(['grade', '--roster', roster, '--shard', `${index + 1}/2`, '--out', dir], {
          env,
          timeoutMs: 300_000,
        }),
      ),
    ]);
    const merged = join(work, 'merged');
    const merge = await labdrill(['grade', 'merge', '--roster', roster, '--out', merged, ...shards], { env });
    expect(merge.code, merge.explain()).toBe(0);
    const strip = (summary: ClassSummary) => ({
      ...summary,
      generatedAt: '',
      students: summary.students.map((student) => ({
        ...student,
        latest: { ...student.latest, at: '' },
        best: student.best ? { ...student.best, at: '' } : null,
        items: student.items.map((item) => ({ ...item, firstPassedAt: item.firstPassedAt ? 'set' : null })),
      })),
    });
    expect(strip(readSummary(merged))).toEqual(strip(readSummary(whole)));
    expect(readSummary(merged).students.map((s) => s.id)).toEqual(['s001', 's002', 's003', 's004', 's005']);
  }, 600_000);
});
