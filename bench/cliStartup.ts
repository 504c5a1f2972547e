import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTwin } from '../fixtures/twin/startTwin.ts';
import type { RunReport } from '../reports/evidence.ts';

// `npm run bench -- cli`: how fast the built command answers, measured side by side in one run, in
// interleaved rounds, with the median of each:
//   labdrill --version                    target: within 2× `vitest --version`
//   labdrill run on a bad stack file      target: rejected within 0.5 s
//   a one-check labdrill run on the twin  target: within 2 s plus the check's own time

const bin = fileURLToPath(new URL('../cli/bin.mjs', import.meta.url));
const vitestBin = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const rounds = 7;

function timed(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ ms: number; code: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (error) =>
      resolve({
        ms: performance.now() - started,
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
      }),
    );
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)} s`;

export async function runCliBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'labdrill-bench-cli-'));
  const twin = await startTwin();
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: a\nalb: {samples: 5}\n');
    const figures = {
      labdrillVersion: [] as number[],
      vitestVersion: [] as number[],
      badStack: [] as number[],
    };
    const runOverhead: number[] = [];
    const runWall: number[] = [];
    for (let round = 0; round < rounds; round++) {
      figures.vitestVersion.push((await timed([vitestBin, '--version'])).ms);
      figures.labdrillVersion.push((await timed([bin, '--version'])).ms);
      const rejected = await timed([bin, 'run', '--config', bad, '--out', join(dir, 'bad-out')]);
      if (rejected.code !== 2) throw new Error(`the bad stack file ended with exit ${rejected.code}, not 2`);
      figures.badStack.push(rejected.ms);
      const out = join(dir, `run-${round}`);
      const run = await timed(
        [bin, 'run', '--config', twin.stackFile, '--only', 's3.website.public-read', '--out', out],
        twin.awsEnv,
      );
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
      const check = report.checks[0]!;
      if (check.verdict !== 'pass')
        throw new Error(`s3.website.public-read: ${check.verdict}: ${check.reason}`);
      runWall.push(run.ms);
      runOverhead.push(run.ms - check.durationMs);
    }
    const version = median(figures.labdrillVersion);
    const vitest = median(figures.vitestVersion);
    const badStack = median(figures.badStack);
    const overhead = median(runOverhead);
    console.log(`\nlabdrill command start-up (median of ${rounds} interleaved rounds)`);
    console.log(
      `  labdrill --version          ${seconds(version)}  vitest --version ${seconds(vitest)}  ratio ${(version / vitest).toFixed(2)}× (target ≤ 2×: ${version <= 2 * vitest ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  bad stack file rejected     ${seconds(badStack)}  (target ≤ 0.5 s: ${badStack <= 500 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  one-check run on the twin   ${seconds(median(runWall))} wall, ${seconds(overhead)} beyond the check's own time (target ≤ 2 s: ${overhead <= 2000 ? 'met' : 'NOT met'})`,
    );
  } finally {
    await twin.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
