import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rubricJsonSchema } from '../reports/grading/rubricSchema.ts';
import { stackJsonSchemaDocument } from './stackReference.ts';

// Writes config/stack.schema.json (with the defaults of config/defaults.ts) and
// reports/grading/rubric.schema.json for editor completion
// (`$schema: ./node_modules/labdrill/config/stack.schema.json`).
export function stackJsonSchema(): string {
  return `${JSON.stringify(stackJsonSchemaDocument(), null, 2)}\n`;
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
