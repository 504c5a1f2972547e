import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../suites/catalog.ts';

// The README's check table, `labdrill checks` and the design's ids must agree: ids are an interface.

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const catalogSection = readme.slice(
  readme.indexOf('## Check catalog'),
  readme.indexOf('### How `alb.round-robin`'),
);
const readmeIds = [...catalogSection.matchAll(/^\| `([a-z0-9.-]+)` \|/gm)].map((m) => m[1]);

describe('check catalog', () => {
  it('lists every check in the README, in catalog order', () => {
    expect(readmeIds).toEqual(catalog.map((entry) => entry.id));
  });

  it('uses the design ids (lower-case, dotted) and unique ids', () => {
    const ids = catalog.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/);
  });

  it('gives each README row the same kind and needs as the catalog', () => {
    for (const entry of catalog) {
      const row = catalogSection.split('\n').find((line) => line.startsWith(`| \`${entry.id}\` |`));
      expect(row, entry.id).toContain(`| ${entry.kind} | ${entry.needs.join('+')} |`);
    }
  });

  it('lists every check that writes, with what it writes, as the catalog says', () => {
    const section = readme.slice(
      readme.indexOf('### Checks that write'),
      readme.indexOf('### How `alb.round-robin`'),
    );
    const listed = [...section.matchAll(/^- `([a-z0-9.-]+)`: (.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(catalog.filter((e) => e.writes).map((e) => [e.id, e.writes]));
    // Every drill says what it writes.
    for (const entry of catalog.filter((e) => e.kind === 'drill'))
      expect(entry.writes, entry.id).toBeTruthy();
  });
});
