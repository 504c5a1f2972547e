#!/usr/bin/env node
// labdrill's own tests: the main project and, beside it, the AWS-pace project (vitest.config.ts). The
// AWS-pace tests spend most of their half hour waiting on AWS's clock, so running them after the rest would
// double the run; they run at a lower CPU priority, so that the main project's measurements are not made on
// a machine they overload. Their output is prefixed with [aws-pace]. Exits non-zero when either fails.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, URL } from 'node:url';

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
// `npm test` built dist/ just before; the two projects must not build it again, side by side.
process.env.LABDRILL_BUILT = '1';
const extra = process.argv.slice(2);

function run(project, { nice, prefix }) {
  const args = [vitest, 'run', '--config', 'vitest.config.ts', '--project', project, ...extra];
  const child = nice
    ? spawn('nice', ['-n', String(nice), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { stdio: 'inherit' });
  if (prefix) {
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ]) {
      createInterface({ input: stream }).on('line', (line) => out.write(`${prefix} ${line}\n`));
    }
  }
  return {
    child,
    done: new Promise((resolve) => child.on('close', (code, signal) => resolve(signal ? 1 : (code ?? 1)))),
  };
}

const awsPace = run('aws-pace', { nice: 10, prefix: '[aws-pace]' });
const main = run('main', {});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    awsPace.child.kill(signal);
    main.child.kill(signal);
  });
}
const mainCode = await main.done;
if (awsPace.child.exitCode === null)
  process.stdout.write('\nmain tests done; waiting for the AWS-pace tests\n');
const awsPaceCode = await awsPace.done;
process.stdout.write(
  `\nmain tests: ${mainCode === 0 ? 'passed' : 'FAILED'}; AWS-pace tests: ${awsPaceCode === 0 ? 'passed' : 'FAILED'}\n`,
);
process.exit(mainCode === 0 && awsPaceCode === 0 ? 0 : 1);
