import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRamp, planFromFlags } from '../../cli/loadCommand.ts';
import { UsageError } from '../../cli/usageError.ts';
import { labdrill } from '../e2e/labdrillCommand.ts';
import { type CountingServer, startCountingServer } from '../loadgen/localTargets.ts';

// `labdrill load` through the real command: bad flags and other hosts are refused before any socket
// opens (the servers count what reached them), and the caps hold when the load is allowed.

let alb: CountingServer;
let other: CountingServer;
let dir: string;
let stackFile: string;

beforeAll(async () => {
  alb = await startCountingServer({ kind: 'page', instanceId: 'i-0aaaaaaaaaaaaaaa1' });
  other = await startCountingServer({ kind: 'page', instanceId: 'i-0bbbbbbbbbbbbbbb2' });
  dir = mkdtempSync(join(tmpdir(), 'labdrill-load-'));
  stackFile = join(dir, 'stack.yaml');
  writeFileSync(stackFile, `name: load-test\nalb:\n  url: ${alb.url}\n`);
});

afterAll(async () => {
  await alb.close();
  await other.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flag checking', () => {
  it('parses ramps and refuses malformed ones', () => {
    expect(parseRamp('50:10,200:20@500')).toEqual([
      { connections: 50, holdS: 10 },
      { connections: 200, holdS: 20, rate: 500 },
    ]);
    expect(() => parseRamp('50:10,')).toThrow(UsageError);
    expect(() => parseRamp('fifty:10')).toThrow(/CONNECTIONS:SECONDS/);
    expect(() => parseRamp('5000:10')).toThrow(/within 1\.\.2000/);
  });

  it('builds the plan from alb.url, with a ramp setting the cap and the duration', () => {
    const plan = planFromFlags('http://lab-alb.example:8080/', { ramp: '10:2,40:3' });
    expect(plan).toMatchObject({ allowedHosts: ['lab-alb.example:8080'], connections: 40, durationS: 5 });
    expect(() => planFromFlags(undefined, {})).toThrow(/no alb\.url/);
    expect(() => planFromFlags('http://lab-alb.example/', { ramp: '10:2,40:3', connections: '20' })).toThrow(
      /exceeds the plan's cap of 20/,
    );
  });

  it.each([
    [['--connections', 'many'], '--connections must be a whole number'],
    [['--connections', '0'], '--connections must be within 1..2000'],
    [['--duration', '-3'], '--duration must be seconds'],
    [['--max-requests', '1.5'], '--max-requests must be a whole number'],
    [['--ramp', '10'], "--ramp step '10' must be CONNECTIONS:SECONDS"],
  ])('labdrill load %j exits 2 with one line', async (flags, message) => {
    const before = alb.requests;
    const result = await labdrill(['load', '--config', stackFile, ...flags], { timeoutMs: 30_000 });
    expect(result.code, result.explain()).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(alb.requests).toBe(before);
  });
});

describe('the only allowed host is the ALB', () => {
  it('refuses another host, and the other server gets no request', async () => {
    const result = await labdrill(['load', '--config', stackFile, '--url', other.url, '--duration', '1'], {
      timeoutMs: 30_000,
    });
    expect(result.code, result.explain()).toBe(2);
    expect(result.stderr).toContain('refused: load target host');
    expect(other.requests).toBe(0);
    expect(other.socketsAccepted).toBe(0);
  });

  it('refuses another name for the same address, and credentials in the URL', async () => {
    const before = alb.requests;
    const byName = await labdrill(
      ['load', '--config', stackFile, '--url', alb.url.replace('127.0.0.1', 'localhost'), '--duration', '1'],
      { timeoutMs: 30_000 },
    );
    expect(byName.code, byName.explain()).toBe(2);
    const withUser = await labdrill(
      ['load', '--config', stackFile, '--url', alb.url.replace('http://', 'http://user@'), '--duration', '1'],
      { timeoutMs: 30_000 },
    );
    expect(withUser.code, withUser.explain()).toBe(2);
    expect(withUser.stderr).toContain('credentials');
    expect(alb.requests).toBe(before);
  });
});

describe('caps hold', () => {
  it('stops at --max-requests, never opens more than --connections, and writes load.json', async () => {
    const before = alb.requests;
    alb.maxOpenSockets = alb.openSockets;
    const out = join(dir, 'out');
    const result = await labdrill(
      [
        'load',
        '--config',
        stackFile,
        '--connections',
        '4',
        '--max-requests',
        '300',
        '--duration',
        '60',
        '--out',
        out,
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code, result.explain()).toBe(0);
    expect(result.stdout).toContain('load stopped by maxRequests');
    expect(alb.requests - before).toBeLessThanOrEqual(300);
    expect(alb.requests - before).toBeGreaterThan(0);
    expect(alb.maxOpenSockets).toBeLessThanOrEqual(4);
    const written = JSON.parse(readFileSync(join(out, 'load.json'), 'utf8')) as {
      schema: string;
      plan: { allowedHosts: string[]; maxRequests: number };
      summary: { stoppedBy: string; requests: number; targetShares: Record<string, number> };
    };
    expect(written.schema).toBe('labdrill.load/1');
    expect(written.plan.allowedHosts).toEqual([`127.0.0.1:${alb.port}`]);
    expect(written.summary.stoppedBy).toBe('maxRequests');
    expect(written.summary.requests).toBeLessThanOrEqual(300);
    expect(Object.keys(written.summary.targetShares)).toEqual(['i-0aaaaaaaaaaaaaaa1']);
  });

  it('stops at --duration', async () => {
    const result = await labdrill(
      ['load', '--config', stackFile, '--connections', '2', '--duration', '1', '--rate', '50'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(result.code, result.explain()).toBe(0);
    expect(result.stdout).toContain('load stopped by duration');
  });

  it('explains itself in --help', async () => {
    const result = await labdrill(['load', '--help'], { timeoutMs: 30_000 });
    expect(result.code, result.explain()).toBe(0);
    expect(result.stdout).toContain('--max-requests');
    expect(result.stdout).toContain('Examples:');
  });
});
