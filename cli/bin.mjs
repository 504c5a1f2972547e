#!/usr/bin/env node
// The labdrill command: the compiled JavaScript in dist/ (built by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

// labdrill supports Node 20.19+ on purpose; the SDK's notice about its own future minimum is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('labdrill: not built yet: run `npm run build` (npm ci runs it)\n');
  process.exit(1);
}
await import(main.href);
