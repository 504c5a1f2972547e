import { defineConfig } from 'vitest/config';

// One config, two jobs: with LABDRILL_STACK set, `npx vitest` runs the check suites against that stack;
// without it, it runs labdrill's own tests.
const checkingAStack = Boolean(process.env.LABDRILL_STACK);
// labdrill supports Node 20.19+ on purpose; the SDK's notice about its own future minimum is noise here.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** Tests against a twin at AWS's own pace: minutes of mostly waiting, so test/runAll.mjs runs them beside the rest. */
const awsPaceTests = 'test/awsPace/**/*.test.ts';

export default defineConfig({
  test: checkingAStack
    ? {
        include: ['suites/*.probes.ts', 'suites/*.drills.ts'],
        env,
        // Each check sets its own timeout from its budget (suites/budgets.ts); this is for nothing else.
        testTimeout: 600_000,
        hookTimeout: 120_000,
      }
    : {
        env,
        reporters: ['default', './test/slowestFiles.ts'],
        // The end-to-end tests run the built `labdrill` command: build it first (test/buildOnce.ts).
        globalSetup: ['./test/buildOnce.ts'],
        pool: 'forks',
        projects: [
          {
            extends: true,
            test: {
              name: 'main',
              include: ['test/**/*.test.ts'],
              exclude: [awsPaceTests],
              // End-to-end tests start a twin (with three MariaDB servers) and a labdrill run each: two at a
              // time on two cores, or the measurements they check would measure the machine's overload instead.
              maxConcurrency: 2,
              // Two files at once (vitest's default on two cores is one): most files wait on sockets and timers,
              // so the fault matrix runs beside the rest instead of before it.
              maxWorkers: 2,
              testTimeout: 120_000,
              hookTimeout: 120_000,
            },
          },
          {
            extends: true,
            test: {
              name: 'aws-pace',
              include: [awsPaceTests],
              // A scale-out, a failover and a self-heal at AWS's pace: each test sets its own timeout.
              testTimeout: 40 * 60_000,
              hookTimeout: 300_000,
            },
          },
        ],
      },
});
