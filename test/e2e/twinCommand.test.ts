import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadStackFile } from '../../config/loadStack.ts';

// `labdrill twin` prints its stack file and the environment to reach it, runs until Ctrl-C, and then
// leaves nothing behind: no temp directory, no database server.

const bin = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

function mariadbPidsUnder(dir: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('mariadbd') && line.includes(dir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('labdrill twin', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('stops cleanly on %s', async (signal) => {
    const child = spawn(process.execPath, [bin, 'twin'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const deadline = Date.now() + 60_000;
    while (!/running; Ctrl-C stops it/.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`twin did not start:\n${out}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const stackFile = /stack file: (\S+)/.exec(out)![1]!;
    const workDir = dirname(stackFile);
    expect(loadStackFile(stackFile).name).toBe('twin-lab');
    expect(out).toMatch(/export AWS_ENDPOINT_URL_EC2=http:\/\/127\./);
    expect(readFileSync(stackFile, 'utf8')).not.toContain(/export LAB_DB_PASSWORD=(\S+)/.exec(out)![1]!);
    expect(mariadbPidsUnder(workDir).length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(existsSync(workDir)).toBe(false);
    expect(mariadbPidsUnder(workDir)).toEqual([]);
  });
});
