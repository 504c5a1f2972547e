import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRoster, RosterFileError } from '../../../config/roster.ts';

// The roster is read from a file a course writes and students' names fill: every field is checked, and
// a bad one stops grading before anything runs, with one line naming the file, the field and the value.

const dir = mkdtempSync(join(tmpdir(), 'labdrill-roster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function rosterFile(text: string): string {
  count += 1;
  const file = join(dir, `class-${count}.yaml`);
  writeFileSync(file, text);
  return file;
}

function loadError(text: string): RosterFileError {
  const file = rosterFile(text);
  try {
    loadRoster(file);
  } catch (error) {
    expect(error).toBeInstanceOf(RosterFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/^class-\d+\.yaml/);
    return error as RosterFileError;
  }
  throw new Error('the roster loaded');
}

const header = 'course: cloud-basics-2026\n';

describe('loadRoster', () => {
  it('reads students with stack files (made absolute, relative to the roster) or discovery settings', () => {
    const file = rosterFile(`${header}rubric: lamp-alb-efs
concurrency: 4
students:
  - id: s001
    name: Kim Minji
    stack: stacks/s001.yaml
    profile: s001
  - id: s002.b
    name: "</td><script>alert(1)</script>"
    discover: { region: ap-northeast-2, namePrefix: lab-vpc }
    roleArn: arn:aws:iam::123456789012:role/Grader
  - id: S-3
    name: 박지훈
    discover: { region: us-east-1, tag: Course=cloud }
`);
    const roster = loadRoster(file);
    expect(roster.file).toBe(file);
    expect(roster.course).toBe('cloud-basics-2026');
    expect(roster.rubric).toEqual({ kind: 'builtin', name: 'lamp-alb-efs' });
    expect(roster.concurrency).toBe(4);
    expect(roster.students).toEqual([
      { id: 's001', name: 'Kim Minji', stack: join(dir, 'stacks/s001.yaml'), profile: 's001' },
      {
        id: 's002.b',
        name: '</td><script>alert(1)</script>',
        roleArn: 'arn:aws:iam::123456789012:role/Grader',
        discover: { region: 'ap-northeast-2', selector: { kind: 'name-prefix', prefix: 'lab-vpc' } },
      },
      {
        id: 'S-3',
        name: '박지훈',
        discover: { region: 'us-east-1', selector: { kind: 'tag', key: 'Course', value: 'cloud' } },
      },
    ]);
  });

  it('takes a rubric with a path or an extension for a file beside the roster', () => {
    const students = 'students: [{ id: a, name: A, stack: a.yaml }]\n';
    expect(loadRoster(rosterFile(`${header}rubric: rubrics/alb.yaml\n${students}`)).rubric).toEqual({
      kind: 'file',
      path: join(dir, 'rubrics/alb.yaml'),
    });
    expect(loadRoster(rosterFile(`${header}rubric: alb.yml\n${students}`)).rubric).toEqual({
      kind: 'file',
      path: join(dir, 'alb.yml'),
    });
    expect(loadRoster(rosterFile(`${header}${students}`)).rubric).toBeUndefined();
  });

  it.each([
    [
      'an id that is a path',
      `students: [{ id: ../x, name: X, stack: a.yaml }]`,
      /students\.0\.id: must be .* \(got "\.\.\/x"\)/,
    ],
    ['an id too long', `students: [{ id: ${'a'.repeat(65)}, name: X, stack: a.yaml }]`, /students\.0\.id: /],
    [
      'ids equal but for case',
      `students: [{ id: s001, name: A, stack: a.yaml }, { id: S001, name: B, stack: b.yaml }]`,
      /students\.1\.id: 'S001' is already the id of students\.0/,
    ],
    [
      'no stack and no discover',
      `students: [{ id: a, name: A }]`,
      /students\.0\.stack: give exactly one of stack/,
    ],
    [
      'both stack and discover',
      `students: [{ id: a, name: A, stack: a.yaml, discover: { region: us-east-1 } }]`,
      /students\.0\.stack: give exactly one/,
    ],
    [
      'namePrefix and tag',
      `students: [{ id: a, name: A, discover: { region: us-east-1, namePrefix: lab, tag: a=b } }]`,
      /students\.0\.discover: namePrefix and tag/,
    ],
    [
      'a wildcard prefix',
      `students: [{ id: a, name: A, discover: { region: us-east-1, namePrefix: "lab*" } }]`,
      /students\.0\.discover\.namePrefix: 'lab\*' must be/,
    ],
    [
      'a bad region',
      `students: [{ id: a, name: A, discover: { region: Seoul } }]`,
      /students\.0\.discover\.region: must be an AWS region .*\(got "Seoul"\)/,
    ],
    [
      'a role that is not a role ARN',
      `students: [{ id: a, name: A, stack: a.yaml, roleArn: "arn:aws:iam::12:user/x" }]`,
      /students\.0\.roleArn: must be an IAM role ARN/,
    ],
    [
      'a profile with a space',
      `students: [{ id: a, name: A, stack: a.yaml, profile: "a b" }]`,
      /students\.0\.profile: /,
    ],
    [
      'a name too long',
      `students: [{ id: a, name: ${'n'.repeat(201)}, stack: a.yaml }]`,
      /students\.0\.name: /,
    ],
    [
      'a name missing',
      `students: [{ id: a, stack: a.yaml }]`,
      /students\.0\.name: required field is missing/,
    ],
    [
      'secrets in the file',
      `students: [{ id: a, name: A, stack: a.yaml, env: { AWS_SECRET_ACCESS_KEY: x } }]`,
      /students\.0\.env: unknown key \(secrets never go in a roster/,
    ],
    ['no students', `students: []`, /students: /],
    [
      'concurrency of 0',
      `concurrency: 0\nstudents: [{ id: a, name: A, stack: a.yaml }]`,
      /concurrency: .*\(got 0\)/,
    ],
  ])('refuses %s in one line naming the field', (_what, body, message) => {
    expect(loadError(`${header}${body}\n`).message).toMatch(message);
  });

  it('refuses a missing course, bad YAML, an alias bomb and a file that is not a mapping', () => {
    expect(loadError('students: [{ id: a, name: A, stack: a.yaml }]\n').message).toMatch(
      /course: required field is missing/,
    );
    expect(loadError(`${header}students: [{ id: a\n`).message).toMatch(/:\d+:\d+: invalid YAML/);
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ),
    ].join('\n');
    expect(loadError(bomb).message).toMatch(/invalid YAML/);
    expect(loadError('- a\n- b\n').message).toMatch(/a roster must be a mapping .* got a list/);
  });

  it('refuses a missing file and a file over 1 MiB before parsing it', () => {
    expect(() => loadRoster(join(dir, 'nope.yaml'))).toThrow(/nope\.yaml: cannot read roster: no such file/);
    const big = rosterFile(`${header}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(() => loadRoster(big)).toThrow(/a roster may be at most 1 MiB/);
  });
});
