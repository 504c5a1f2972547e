import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labdrill } from './labdrillCommand.ts';

// Bad input gets one clear line naming what is wrong, exit code 2, and touches nothing: the stack the
// file points at receives no request and no report is written.

let server: Server;
let requests = 0;
let url = '';
const dir = mkdtempSync(join(tmpdir(), 'labdrill-bad-input-'));

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  url = `http://127.0.0.1:${address.port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function stackFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const cases: [string, () => string[], RegExp][] = [
  [
    'a misspelled key',
    () => [
      'run',
      '--config',
      stackFile('typo.yaml', ['name: x', `s3: { websiteUrl: "${url}" }`, `alb: { urll: "${url}" }`]),
    ],
    /^labdrill: typo\.yaml: alb\.urll: unknown key \(did you mean 'url'\?\)$/,
  ],
  [
    'a negative threshold',
    () => [
      'run',
      '--config',
      stackFile('neg.yaml', ['name: x', `s3: { websiteUrl: "${url}" }`, 'thresholds: { failoverRtoS: -1 }']),
    ],
    /^labdrill: neg\.yaml: thresholds\.failoverRtoS: .*\(got -1\)$/,
  ],
  [
    'an unknown check id',
    () => [
      'run',
      '--config',
      stackFile('ok.yaml', ['name: x', `s3: { websiteUrl: "${url}" }`]),
      '--only',
      's3.website.publicread',
    ],
    /^labdrill: --only: unknown check id 's3\.website\.publicread' \(did you mean 's3\.website\.public-read'\?/,
  ],
  [
    'an unknown fault',
    () => ['demo', '--fault', 'cf-nocache'],
    /^labdrill: --fault: unknown fault 'cf-nocache' \(did you mean 'cf-no-cache'\?\)$/,
  ],
  [
    'a missing stack file',
    () => ['run', '--config', join(dir, 'nope.yaml')],
    /nope\.yaml: cannot read stack file: no such file$/,
  ],
  [
    'an unknown drill',
    () => ['drill', 'failover', '--config', join(dir, 'ok.yaml'), '--chaos'],
    /^labdrill: unknown drill 'failover'/,
  ],
];

describe('bad input', () => {
  it.each(cases)('%s: one line, exit 2, nothing sent, nothing written', async (_label, args, message) => {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const before = requests;
    const result = await labdrill([...args(), '--out', out]);
    expect(result.code, result.explain()).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(result.stdout).toBe('');
    expect(requests).toBe(before);
    expect(existsSync(out)).toBe(false);
  });
});
