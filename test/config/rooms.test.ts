import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Data flows one way: config → suites → probes | drills | loadgen → evidence → reports. config is the leaf that
// everything reads, so it imports from no other room; and nothing labdrill runs imports the twin.

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(room: string): string[] {
  return readdirSync(join(root, room), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(root, room, file));
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)].map(
    (m) => m[1]!,
  );
}

describe('rooms', () => {
  it('config imports nothing from the other rooms', () => {
    // writeJsonSchema.ts is `npm run schema`, a build script that writes the rubric's schema beside the stack's.
    const crossing = sourceFiles('config')
      .filter((file) => !file.endsWith('writeJsonSchema.ts'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith('..'))
          .map((spec) => `${file.slice(root.length)} → ${spec}`),
      );
    expect(crossing).toEqual([]);
  });

  it('nothing labdrill runs imports the twin, but the twin and demo commands', () => {
    const rooms = ['config', 'discover', 'probes', 'drills', 'loadgen', 'suites', 'reports', 'cli'];
    const crossing = rooms
      .flatMap(sourceFiles)
      .filter((file) => !/cli\/(twinCommand|twinSession|demoCommand)\.ts$/.test(file))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.includes('fixtures/twin'))
          .map((spec) => `${file.slice(root.length)} → ${spec}`),
      );
    expect(crossing).toEqual([]);
  });
});
