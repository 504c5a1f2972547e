import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInRubricNames } from '../../reports/grading/loadRubric.ts';
import { labdrill } from '../e2e/labdrillCommand.ts';

// `labdrill rubric list|show`, run as a user runs it (the built command; test/buildOnce.ts builds it).

describe('labdrill rubric', () => {
  it('lists the six built-in rubrics with their points and labs', async () => {
    const result = await labdrill(['rubric', 'list']);
    expect(result.code, result.explain()).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^name\s+points\s+lab\s+title$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([...builtInRubricNames]);
    expect(result.stdout).toMatch(/auto-scaling\s+30\s+002 §4/);
  });

  it('lists them as JSON', async () => {
    const result = await labdrill(['rubric', 'list', '--json']);
    expect(result.code, result.explain()).toBe(0);
    const rows = JSON.parse(result.stdout) as { name: string; points: number; lab: string | null }[];
    expect(rows.find((row) => row.name === 'ha-aurora')).toMatchObject({
      points: 50,
      lab: '001 (tasks 1-8)',
    });
  });

  it('shows a built-in rubric: items, points, parts and the lab’s numbers', async () => {
    const result = await labdrill(['rubric', 'show', 'auto-scaling']);
    expect(result.code, result.explain()).toBe(0);
    expect(result.stdout).toContain('points: 30 (28 required, 2 optional)');
    expect(result.stdout).toMatch(/8 {2}asg\.scale-out\.drill {2}Load scales the group out/);
    expect(result.stdout).toContain('parts: alarm-fired 2, desired-rose 3, new-instances-healthy 3');
    expect(result.stdout).toContain('expect: {"asg":{"min":2,"desired":2,"max":4,"cpuTarget":7}}');
  });

  it('shows a rubric file as JSON, with criterion and required filled in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labdrill-rubric-command-'));
    const file = join(dir, 'course.yaml');
    writeFileSync(file, 'name: course\nitems:\n  - { check: alb.round-robin, points: 5, required: false }\n');
    const result = await labdrill(['rubric', 'show', file, '--json']);
    expect(result.code, result.explain()).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'course',
      title: 'course',
      items: [{ check: 'alb.round-robin', criterion: 'alb.round-robin', points: 5, required: false }],
    });
  });

  it('rejects an unknown rubric and a bad rubric file in one line, exit 2', async () => {
    const unknown = await labdrill(['rubric', 'show', 'auto-scalling']);
    expect(unknown.code, unknown.explain()).toBe(2);
    expect(unknown.stderr).toBe(
      "labdrill: rubric 'auto-scalling': not a built-in rubric (did you mean 'auto-scaling'?) and no such file; built-ins: s3-cloudfront, lamp-alb-efs, rds, auto-scaling, ha-aurora, mini-project\n",
    );
    const dir = mkdtempSync(join(tmpdir(), 'labdrill-rubric-command-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'name: bad\nitems:\n  - { check: alb.round-robin, points: 5, parts: { every-target: 5, fast: 0 } }\n',
    );
    const bad = await labdrill(['rubric', 'show', file]);
    expect(bad.code, bad.explain()).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('bad.yaml: items.0.parts.fast: is not a part of alb.round-robin');
  });
});
