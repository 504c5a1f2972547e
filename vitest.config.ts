import { defineConfig } from 'vitest/config';

// One config, two jobs: with LABDRILL_STACK set, `npx vitest` runs the check suites against that stack;
// without it, it runs labdrill's own tests.
const checkingAStack = Boolean(process.env.LABDRILL_STACK);

export default defineConfig({
  test: checkingAStack
    ? {
        include: ['suites/*.probes.ts', ...(process.env.LABDRILL_CHAOS === '1' ? ['suites/*.drills.ts'] : [])],
        testTimeout: 600_000,
        hookTimeout: 120_000,
      }
    : {
        include: ['test/**/*.test.ts'],
        testTimeout: 120_000,
        hookTimeout: 120_000,
        pool: 'forks',
      },
});
