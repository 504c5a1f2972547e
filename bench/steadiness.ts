import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run test:steady`: proof that the end-to-end tests give the same answer on a busy machine and on
// every try. It runs the elasticity tests and the fault matrix beside a CPU hog (one busy-loop process per
// core, bounded in time, ended by this script), then the fault matrix several times in a row, and reports
// how many runs passed. Exit code 0 only when every run passed.
//
//   npm run test:steady                      the hog round, then the matrix 3 times
//   npm run test:steady -- --repeat 5        the matrix 5 times after the hog round
//   npm run test:steady -- --only hog|repeat one part

const root = fileURLToPath(new URL('..', import.meta.url));
const vitestBin = join(root, 'node_modules', 'vitest', 'vitest.mjs');

interface RoundResult {
  label: string;
  passed: boolean;
  tests: { passed: number; failed: number; total: number };
  failedTests: string[];
  wallS: number;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: { assertionResults: { fullName: string; status: string }[] }[];
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** One busy-loop process per core; each also ends by itself after `maxMs`, so none can outlive a crash. */
function startHog(maxMs: number): ChildProcess[] {
  const loop = `const end = Date.now() + ${maxMs}; let x = 0; while (Date.now() < end) { x = (x + 1) % 1e9; }`;
  return cpus().map(() => spawn(process.execPath, ['-e', loop], { stdio: 'ignore' }));
}

function stopHog(hog: ChildProcess[]): void {
  for (const child of hog) child.kill('SIGKILL');
}

/** Runs vitest on `files` (as CI does, CI=true) and reads its JSON results. */
async function runTests(label: string, files: string[]): Promise<RoundResult> {
  const dir = mkdtempSync(join(tmpdir(), 'labdrill-steady-'));
  const jsonFile = join(dir, 'results.json');
  const started = performance.now();
  console.log(`\n── ${label}: vitest run ${files.join(' ')}`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [vitestBin, 'run', ...files, '--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, CI: 'true' } },
    );
    child.once('exit', (exitCode) => resolve(exitCode ?? 1));
  });
  const wallS = (performance.now() - started) / 1000;
  let json: VitestJson | undefined;
  try {
    json = JSON.parse(readFileSync(jsonFile, 'utf8')) as VitestJson;
  } catch {
    json = undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const failedTests =
    json?.testResults.flatMap((file) =>
      file.assertionResults.filter((a) => a.status === 'failed').map((a) => a.fullName),
    ) ?? [];
  return {
    label,
    passed: code === 0 && json !== undefined && json.numFailedTests === 0,
    tests: {
      passed: json?.numPassedTests ?? 0,
      failed: json?.numFailedTests ?? 0,
      total: json?.numTotalTests ?? 0,
    },
    failedTests,
    wallS,
  };
}

const only = argument('--only');
const repeat = Number(argument('--repeat') ?? 3);
if (only !== undefined && only !== 'hog' && only !== 'repeat') {
  console.error(`test:steady: --only must be hog or repeat, not ${only}`);
  process.exit(2);
}
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 10) {
  console.error(`test:steady: --repeat must be a whole number from 1 to 10, not ${argument('--repeat')}`);
  process.exit(2);
}

const elasticity = 'test/fixtures/elasticity/';
const faultMatrix = 'test/e2e/faultMatrix.test.ts';
const results: RoundResult[] = [];

if (only !== 'repeat') {
  // Bounded at 90 minutes; the script ends it as soon as the round is over.
  const hog = startHog(90 * 60_000);
  const stop = () => {
    stopHog(hog);
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    results.push(
      await runTests(`beside a CPU hog (${hog.length} busy loops on ${cpus().length} cores)`, [
        elasticity,
        faultMatrix,
      ]),
    );
  } finally {
    stopHog(hog);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
if (only !== 'hog') {
  for (let round = 1; round <= repeat; round++) {
    results.push(await runTests(`fault matrix, run ${round} of ${repeat} in a row`, [faultMatrix]));
  }
}

console.log('\nsteadiness');
for (const r of results) {
  console.log(
    `  ${r.passed ? 'PASS' : 'FAIL'}  ${r.label}: ${r.tests.passed}/${r.tests.total} tests passed, ${(r.wallS / 60).toFixed(1)} min`,
  );
  for (const name of r.failedTests) console.log(`        failed: ${name}`);
}
const passedRuns = results.filter((r) => r.passed).length;
console.log(`${passedRuns} of ${results.length} runs passed`);
process.exitCode = passedRuns === results.length ? 0 : 1;
