import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  builtInRubricNames,
  loadBuiltInRubrics,
  loadRubric,
  parseRubricText,
  RubricFileError,
} from '../../../reports/grading/loadRubric.ts';
import { rubricJsonSchema } from '../../../reports/grading/rubricSchema.ts';
import { catalogEntry } from '../../../suites/catalog.ts';

const committedSchema = fileURLToPath(
  new URL('../../../reports/grading/rubric.schema.json', import.meta.url),
);

function problem(yaml: string): string {
  try {
    parseRubricText(yaml, 'class.rubric.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(RubricFileError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('the rubric was accepted');
}

describe('rubric schema', () => {
  it('is committed as generated (npm run schema)', () => {
    expect(readFileSync(committedSchema, 'utf8')).toBe(rubricJsonSchema());
  });

  it('reads the issue’s example, with criterion and required by default', () => {
    const rubric = parseRubricText(
      [
        'name: alb-lab',
        'items:',
        '  - check: alb.round-robin',
        '    points: 5',
        '    required: true',
        '    parts: { every-target: 2, both-azs: 2, even-shares: 1 }',
        '  - check: alb.targets.healthy',
        '    points: 3',
      ].join('\n'),
      'alb-lab.yaml',
    );
    expect(rubric).toEqual({
      name: 'alb-lab',
      title: 'alb-lab',
      items: [
        {
          check: 'alb.round-robin',
          criterion: 'alb.round-robin',
          points: 5,
          required: true,
          parts: { 'every-target': 2, 'both-azs': 2, 'even-shares': 1 },
        },
        { check: 'alb.targets.healthy', criterion: 'alb.targets.healthy', points: 3, required: true },
      ],
    });
  });

  it('names file, field and value for a check id that is not in the catalog', () => {
    expect(problem('name: x\nitems:\n  - { check: alb.round-robbin, points: 5 }\n')).toBe(
      'class.rubric.yaml: items.0.check: is not a check id (see labdrill checks) (got "alb.round-robbin")',
    );
  });

  it('rejects a part the check does not have', () => {
    expect(
      problem(
        'name: x\nitems:\n  - check: alb.round-robin\n    points: 2\n    parts: { every-target: 1, both-az: 1 }\n',
      ),
    ).toBe(
      'class.rubric.yaml: items.0.parts.both-az: is not a part of alb.round-robin (its parts: every-target, both-azs, even-shares) (got 1)',
    );
  });

  it('rejects parts on a check without parts', () => {
    expect(
      problem('name: x\nitems:\n  - check: dns.custom-domain\n    points: 2\n    parts: { resolves: 2 }\n'),
    ).toContain('items.0.parts.resolves: dns.custom-domain has no parts: its item is all or nothing');
  });

  it('rejects part points that do not sum to the item’s points', () => {
    expect(
      problem(
        'name: x\nitems:\n  - check: alb.round-robin\n    points: 5\n    parts: { every-target: 2, both-azs: 2 }\n',
      ),
    ).toBe("class.rubric.yaml: items.0.parts: part points sum to 4, not the item's 5 points (got a mapping)");
  });

  it('rejects a check graded twice, a criterion used twice, and a criterion with a comma', () => {
    expect(
      problem(
        'name: x\nitems:\n  - { check: alb.round-robin, points: 1 }\n  - { check: alb.round-robin, points: 2 }\n',
      ),
    ).toContain('items.1.check: alb.round-robin is graded twice');
    expect(
      problem(
        'name: x\nitems:\n  - { check: alb.round-robin, points: 1, criterion: ALB }\n  - { check: alb.placement, points: 2, criterion: ALB }\n',
      ),
    ).toContain('items.1.criterion: criterion "ALB" is used twice');
    expect(
      problem('name: x\nitems:\n  - { check: alb.round-robin, points: 1, criterion: "a,b" }\n'),
    ).toContain('items.0.criterion: must be one line without commas');
  });

  it('rejects unknown keys, missing fields, bad numbers and bad expect: values', () => {
    expect(problem('name: x\nitem: []\n')).toBe(
      'class.rubric.yaml: items: required field is missing (and 1 more problem)',
    );
    expect(problem('name: x\nitems:\n  - { check: alb.round-robin, points: 1 }\nitem: []\n')).toContain(
      'item: unknown key',
    );
    expect(problem('name: x\nitems:\n  - { check: alb.round-robin }\n')).toBe(
      'class.rubric.yaml: items.0.points: required field is missing',
    );
    expect(problem('name: x\nitems:\n  - { check: alb.round-robin, points: -1 }\n')).toContain(
      'items.0.points: Too small',
    );
    expect(
      problem(
        'name: x\nitems:\n  - { check: alb.round-robin, points: 1 }\nexpect: { asg: { cpuTarget: 700 } }\n',
      ),
    ).toContain('expect.asg.cpuTarget: Too big');
    expect(
      problem(
        'name: x\nitems:\n  - { check: alb.round-robin, points: 1 }\ncaps: { budgets: { alb.nope: 10 } }\n',
      ),
    ).toContain('caps.budgets');
  });

  it('rejects YAML that is not a rubric, and an alias bomb, in one line', () => {
    expect(problem('- a\n- b\n')).toBe(
      'class.rubric.yaml: a rubric is a mapping (name, items, …), got a list',
    );
    expect(problem('name: [unclosed\n')).toMatch(/^class\.rubric\.yaml:\d+:\d+: invalid YAML: /);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 0; level < 8; level += 1) {
      const name = String.fromCharCode(98 + level);
      const previous = String.fromCharCode(97 + level);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(problem(bomb.join('\n'))).toMatch(/^class\.rubric\.yaml: invalid YAML: /);
  });
});

describe('loadRubric', () => {
  it('loads every built-in rubric from the package, each grading checks of the catalog', () => {
    const rubrics = loadBuiltInRubrics();
    expect(rubrics.map((rubric) => rubric.name)).toEqual([...builtInRubricNames]);
    for (const rubric of rubrics) {
      for (const item of rubric.items) {
        expect(() => catalogEntry(item.check)).not.toThrow();
        if (item.parts) {
          expect(Object.values(item.parts).reduce((a, b) => a + b, 0)).toBeCloseTo(item.points, 6);
        }
      }
    }
  });

  it('carries each lab’s own numbers', () => {
    expect(loadRubric('auto-scaling').expect).toEqual({ asg: { min: 2, desired: 2, max: 4, cpuTarget: 7 } });
    expect(loadRubric('mini-project').expect?.asg?.cpuTarget).toBe(80);
    const haAurora = loadRubric('ha-aurora');
    const graded = haAurora.items.map((item) => item.check);
    expect(graded).toEqual(
      expect.arrayContaining(['alb.round-robin', 'asg.config', 'aurora.failover.drill', 'net.routes']),
    );
    expect(haAurora.items.find((item) => item.check === 'net.routes')?.parts).toHaveProperty(
      'private-nat-same-az',
    );
    expect(loadRubric('rds').items.find((item) => item.check === 'ec2.app.page')?.parts).toHaveProperty(
      'sample-rows',
    );
  });

  it('loads a rubric file by path, and says which built-in was meant for a near miss', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labdrill-rubric-'));
    const file = join(dir, 'course.yaml');
    writeFileSync(file, 'name: course\ntitle: Course\nitems:\n  - { check: alb.round-robin, points: 1 }\n');
    expect(loadRubric(file).title).toBe('Course');
    expect(() => loadRubric('lamp-alb-ef')).toThrow(/did you mean 'lamp-alb-efs'/);
    expect(() => loadRubric(join(dir, 'missing.yaml'))).toThrow(
      /missing\.yaml: cannot read rubric file: no such file/,
    );
  });

  it('refuses a rubric file past its size bound before reading it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labdrill-rubric-'));
    const file = join(dir, 'huge.yaml');
    writeFileSync(file, `name: huge\n# ${'x'.repeat(300 * 1024)}\n`);
    expect(() => loadRubric(file)).toThrow(/a rubric file may be at most 256 KiB/);
  });
});
