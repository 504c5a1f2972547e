import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// vitest globalSetup for labdrill's own tests: the end-to-end tests run the `labdrill` command, which is the
// compiled JavaScript in dist/, so the sources are built first (once per run; `npm test` has built them
// already and says so with LABDRILL_BUILT=1).

export default function buildOnce(): void {
  if (process.env.LABDRILL_BUILT === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.env.LABDRILL_BUILT = '1';
}
