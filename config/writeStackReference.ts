import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stackReferenceMarkdown, withStackReference } from './stackReference.ts';

// `npm run stack-reference`: writes the README's stack-file reference (between its markers) from the schema
// and the defaults table. test/config/stackReference.test.ts fails when the README differs.

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const updated = withStackReference(readme, stackReferenceMarkdown());
if (updated === readme) {
  console.log(`${readmePath} is up to date`);
} else {
  writeFileSync(readmePath, updated);
  console.log(`wrote the stack-file reference in ${readmePath}`);
}
