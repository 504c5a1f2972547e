import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { stackSchema } from './schema.ts';

// Writes config/stack.schema.json for editor completion (`$schema: ./node_modules/labdrill/config/stack.schema.json`).
export function stackJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(stackSchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = fileURLToPath(new URL('./stack.schema.json', import.meta.url));
  writeFileSync(target, stackJsonSchema());
  console.log(`wrote ${target}`);
}
