import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { rubricJsonSchema } from '../reports/grading/rubricSchema.ts';
import { stackSchema } from './schema.ts';

// Writes config/stack.schema.json and reports/grading/rubric.schema.json for editor completion
// (`$schema: ./node_modules/labdrill/config/stack.schema.json`).
export function stackJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(stackSchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const targets: [URL, string][] = [
    [new URL('./stack.schema.json', import.meta.url), stackJsonSchema()],
    [new URL('../reports/grading/rubric.schema.json', import.meta.url), rubricJsonSchema()],
  ];
  for (const [url, text] of targets) {
    const target = fileURLToPath(url);
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
}
