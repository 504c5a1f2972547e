import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  builtInDefaultsTable,
  defaultRows,
  defaults,
  stackFileDefaultsTable,
} from '../../config/defaults.ts';
import { stackSchema } from '../../config/schema.ts';
import { settingsFor } from '../../config/settings.ts';
import {
  referenceEnd,
  referenceStart,
  stackFields,
  stackJsonSchemaDocument,
  stackReferenceIn,
  stackReferenceMarkdown,
  withStackReference,
} from '../../config/stackReference.ts';
import { stackJsonSchema } from '../../config/writeJsonSchema.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe("the README's stack-file reference", () => {
  it('is the one made from the schema and the defaults table (npm run stack-reference writes it)', () => {
    expect(stackReferenceIn(readme)).toBe(stackReferenceMarkdown());
  });

  it('replaces only what is between its markers', () => {
    const before = `# title\n\n${referenceStart}\nold text\n${referenceEnd}\n\n## next\n`;
    const after = withStackReference(before, 'new text');
    expect(after).toBe(`# title\n\n${referenceStart}\n\nnew text\n\n${referenceEnd}\n\n## next\n`);
    expect(stackReferenceIn(after)).toBe('new text');
    expect(() => withStackReference('# no markers\n', 'text')).toThrow(/no stack-file reference/);
  });

  it('describes every key of the stack file', () => {
    const undescribed = stackFields(stackJsonSchemaDocument())
      .filter((field) => field.nodes.every((node) => !node.description))
      .map((field) => field.path);
    expect(undescribed).toEqual([]);
  });

  it('lists every default the stack file may override, with its value and why', () => {
    const reference = stackReferenceMarkdown();
    for (const row of defaultRows(stackFileDefaultsTable)) {
      expect(reference).toContain(`| \`${row.path}\` |`);
      expect(reference).toContain(`| ${row.why} |`);
    }
    expect(reference).toContain('| max(2 × failoverRtoS, 300) |');
  });
});

describe('the defaults table', () => {
  it('says why for every value, in one line', () => {
    for (const row of [...defaultRows(stackFileDefaultsTable), ...defaultRows(builtInDefaultsTable)]) {
      expect(row.why, row.path).toMatch(/^[^\n]{10,120}$/);
    }
  });

  it("keys its stack-file defaults by the stack file's own keys", () => {
    // stackJsonSchemaDocument refuses a default whose path is no key of the stack file.
    const document = stackJsonSchemaDocument();
    const probe = (document.properties as Record<string, { properties: Record<string, unknown> }>).probe;
    expect(probe.properties.timeoutMs).toMatchObject({ default: defaults.probe.timeoutMs });
  });

  it("keeps its built-in names apart from the stack file's sections", () => {
    const sections = Object.keys(stackSchema.shape);
    expect(Object.keys(builtInDefaultsTable).filter((name) => sections.includes(name))).toEqual([]);
  });

  it('is what a stack file without settings runs with', () => {
    const settings = settingsFor({ name: 'defaults' });
    expect(settings.probe).toEqual({
      timeoutMs: 5_000,
      retries: 2,
      maxBodyBytes: 1024 * 1024,
      speedupSamples: 15,
    });
    expect(settings.thresholds).toEqual({
      replicaLagP95Ms: 2_000,
      failoverRtoS: 120,
      failoverWindowS: 300,
      scaleOutTimeoutS: 900,
      scaleInTimeoutS: 1_800,
      selfHealTimeoutS: 900,
    });
    expect(settingsFor({ name: 'slow', thresholds: { failoverRtoS: 200 } }).thresholds.failoverWindowS).toBe(
      400,
    );
    expect(stackSchema.parse({ name: 'x', chaos: {} }).chaos?.allow).toBe(defaults.chaos.allow);
  });

  it('cannot be changed in place by a reader', () => {
    expect(Object.isFrozen(defaults)).toBe(true);
    expect(Object.isFrozen(defaults.loadLimits.connections)).toBe(true);
    expect(() => {
      (defaults.probe as { timeoutMs: number }).timeoutMs = 1;
    }).toThrow(TypeError);
  });
});

describe('config/stack.schema.json', () => {
  it('is the one made from the schema and the defaults table (npm run schema writes it)', () => {
    const written = readFileSync(new URL('../../config/stack.schema.json', import.meta.url), 'utf8');
    expect(written).toBe(stackJsonSchema());
  });
});
