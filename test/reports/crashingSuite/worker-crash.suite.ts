import { test } from 'vitest';

// A suite whose first check kills its worker process mid-run: the check after it never runs either.
// Run only by test/reports/noCheckVanishes.test.ts (the name does not match the test glob).

test('cf.origin', () => {
  process.kill(process.pid, 'SIGKILL');
});

test('cf.speedup', () => {});
