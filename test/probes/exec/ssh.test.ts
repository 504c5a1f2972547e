// The SSH transport against real OpenSSH servers on loopback: a "bastion" sshd on 127.0.0.1 and an
// "app instance" sshd on 127.0.0.2, each with its own config, host key and authorized key in a temp dir.
// The bastion's sshd also serves as a second instance, so one bastion connection reaches two targets.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystemType, readFile, removeFile, writeFile } from '../../../probes/exec/commands.ts';
import { parseFileSystemType } from '../../../probes/exec/outputs.ts';
import type { Stack } from '../../../config/schema.ts';
import { execForStack } from '../../../probes/exec/execForStack.ts';
import { createSshExec, type SshExecOptions } from '../../../probes/exec/ssh.ts';
import { fingerprintsFromKnownHosts } from '../../../probes/exec/sshHostKeys.ts';
import {
  ExecError,
  type ExecTarget,
  OUTPUT_LIMIT_CHARS,
  type RemoteExec,
} from '../../../probes/exec/transport.ts';

const SSHD = '/usr/sbin/sshd';
const user = 'root';

interface Sshd {
  name: string;
  host: string;
  port: number;
  process: ChildProcess;
  log: () => string;
}

let dir: string;
let bastion: Sshd;
let app: Sshd;
const started: Sshd[] = [];

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function keygen(path: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'labdrill-test', '-f', path]);
}

async function startSshd(name: string, host: string): Promise<Sshd> {
  const port = await freePort(host);
  const hostKey = join(dir, `host_${name}`);
  keygen(hostKey);
  const config = join(dir, `sshd_${name}.conf`);
  writeFileSync(
    config,
    [
      `ListenAddress ${host}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, `sshd_${name}.pid`)}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'AllowTcpForwarding yes',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (log.length < 200_000) log += chunk.toString('utf8');
  });
  const sshd: Sshd = { name, host, port, process: child, log: () => log };
  started.push(sshd);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sshd (${name}) did not start listening within 10 s; its log:\n${log}`)),
      10_000,
    );
    const check = (): void => {
      if (log.includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd (${name}) exited with code ${code} before listening; its log:\n${log}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`sshd (${name}) could not be started: ${error.message}`));
    });
  });
  return sshd;
}

async function stopSshd(sshd: Sshd): Promise<void> {
  const child = sshd.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

beforeAll(async () => {
  if (!existsSync(SSHD)) {
    throw new Error(
      `OpenSSH server not found at ${SSHD}: install it (apt-get install openssh-server) to run this test`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'labdrill-ssh-'));
  keygen(join(dir, 'client_key'));
  keygen(join(dir, 'stranger_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
  // sshd needs its privilege separation directory; Debian's service unit creates it at boot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  bastion = await startSshd('bastion', '127.0.0.1');
  app = await startSshd('app', '127.0.0.2');
});

afterAll(async () => {
  await Promise.all(started.map(stopSshd));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<SshExecOptions> = {}): SshExecOptions {
  return {
    bastion: `127.0.0.1:${bastion.port}`,
    user,
    privateKeyPath: join(dir, 'client_key'),
    connectTimeoutMs: 5_000,
    ...overrides,
  };
}

const appTarget = (): ExecTarget => ({ instanceId: 'i-0app', privateIp: '127.0.0.2', sshPort: app.port });
const bastionAsTarget = (): ExecTarget => ({
  instanceId: 'i-0bas',
  privateIp: '127.0.0.1',
  sshPort: bastion.port,
});

async function execError(promise: Promise<unknown>): Promise<ExecError> {
  const error = await promise.then(
    () => new Error('expected the run to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExecError);
  return error as ExecError;
}

describe('SSH transport through a bastion', () => {
  let exec: RemoteExec;
  beforeAll(() => {
    exec = createSshExec(options());
  });
  afterAll(async () => {
    await exec.close();
  });

  it('runs a command on the target and returns stdout, stderr and the exit code', async () => {
    const result = await exec.run(appTarget(), 'echo hello; echo oops >&2; exit 3', { timeoutMs: 10_000 });
    expect(result).toMatchObject({ stdout: 'hello\n', stderr: 'oops\n', exitCode: 3, status: 'Failed' });
    const ok = await exec.run(appTarget(), 'printf %s "$(id -u)"', { timeoutMs: 10_000 });
    expect(ok).toMatchObject({ stdout: '0', stderr: '', exitCode: 0, status: 'Success' });
    expect(ok.durationMs).toBeGreaterThan(0);
  });

  it("shares a canary between two instances with labdrill's own commands", async () => {
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    const canary = `${shared}/labdrill-canary-0001.txt`;
    expect(
      (await exec.run(appTarget(), writeFile(canary, 'labdrill:0001'), { timeoutMs: 10_000 })).exitCode,
    ).toBe(0);
    const read = await exec.run(bastionAsTarget(), readFile(canary, 1024), { timeoutMs: 10_000 });
    expect(read).toMatchObject({ stdout: 'labdrill:0001', exitCode: 0 });
    const df = await exec.run(bastionAsTarget(), fileSystemType(shared), { timeoutMs: 10_000 });
    expect(parseFileSystemType(df.stdout)?.type).toMatch(/^[a-z0-9]+$/);
    expect((await exec.run(appTarget(), removeFile(canary), { timeoutMs: 10_000 })).exitCode).toBe(0);
    expect(existsSync(canary)).toBe(false);
    const gone = await exec.run(bastionAsTarget(), readFile(canary, 1024), { timeoutMs: 10_000 });
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toContain('No such file or directory');
  });

  it('reuses one bastion connection and one connection per target', () => {
    // The bastion's sshd saw the bastion login plus the second target's; the app's sshd one login.
    expect(countOf(bastion.log(), 'Accepted publickey for root')).toBe(2);
    expect(countOf(app.log(), 'Accepted publickey for root')).toBe(1);
  });

  it('bounds the output it keeps', async () => {
    const result = await exec.run(appTarget(), "head -c 100000 /dev/zero | tr '\\0' a", {
      timeoutMs: 10_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(OUTPUT_LIMIT_CHARS);
  });

  it('times out a command that runs too long and keeps the connection usable', async () => {
    // cat waits for stdin, which is never closed, and exits once the timed-out channel is closed.
    const error = await execError(exec.run(appTarget(), 'cat > /dev/null', { timeoutMs: 300 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('i-0app (127.0.0.2');
    expect((await exec.run(appTarget(), 'echo again', { timeoutMs: 10_000 })).stdout).toBe('again\n');
  });

  it('says when the bastion cannot reach the target', async () => {
    const closedPort = await freePort('127.0.0.2');
    const error = await execError(
      exec.run({ instanceId: 'i-0dead', privateIp: '127.0.0.2', sshPort: closedPort }, 'true', {
        timeoutMs: 10_000,
      }),
    );
    expect(error.kind).toBe('connect');
    expect(error.message).toContain(`could not open a connection to i-0dead (127.0.0.2:${closedPort})`);
  });

  it('needs a private IP for the target', async () => {
    const error = await execError(exec.run({ instanceId: 'i-0noip' }, 'true', { timeoutMs: 1_000 }));
    expect(error.kind).toBe('config');
  });
});

describe('SSH transport errors and host keys', () => {
  async function firstRun(overrides: Partial<SshExecOptions>, target = appTarget()): Promise<ExecError> {
    const exec = createSshExec(options(overrides));
    try {
      return await execError(exec.run(target, 'true', { timeoutMs: 10_000 }));
    } finally {
      await exec.close();
    }
  }

  it('says clearly when the key is refused', async () => {
    const error = await firstRun({ privateKeyPath: join(dir, 'stranger_key') });
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(`bastion 127.0.0.1:${bastion.port} refused the key for user root`);
  });

  it('says clearly when the key file is missing or not a key', async () => {
    const missing = await firstRun({ privateKeyPath: join(dir, 'no_such_key') });
    expect(missing.kind).toBe('config');
    expect(missing.message).toContain('cannot read the SSH key');
    const notAKey = await firstRun({ privateKeyPath: join(dir, 'authorized_keys') });
    expect(notAKey.kind).toBe('config');
    expect(notAKey.message).toContain('cannot use the SSH key');
  });

  it('needs a key or an agent', async () => {
    const { privateKeyPath: _unused, ...withoutKey } = options();
    const exec = createSshExec({ ...withoutKey, agentSocket: '' });
    try {
      const error = await execError(exec.run(appTarget(), 'true', { timeoutMs: 1_000 }));
      expect(error.kind).toBe('config');
      expect(error.message).toContain('SSH_AUTH_SOCK');
    } finally {
      await exec.close();
    }
  });

  it('refuses a bastion that is not HOST[:PORT] before connecting', () => {
    for (const bastionText of ['', '127.0.0.1:0', '127.0.0.1:70000', 'bastion.example:x', '[::1]:x']) {
      let thrown: unknown;
      try {
        createSshExec(options({ bastion: bastionText }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown, bastionText).toBeInstanceOf(ExecError);
      expect((thrown as ExecError).kind).toBe('config');
      expect((thrown as ExecError).message).toBe(`not a HOST[:PORT]: ${JSON.stringify(bastionText)}`);
    }
  });

  it('says when the bastion is unreachable', async () => {
    const closedPort = await freePort('127.0.0.1');
    const error = await firstRun({ bastion: `127.0.0.1:${closedPort}` });
    expect(error.kind).toBe('connect');
    expect(error.message).toContain(`cannot reach bastion 127.0.0.1:${closedPort}`);
  });

  it('accepts hosts whose keys are on the allowlist', async () => {
    const knownHosts = ['bastion', 'app']
      .map((name) => `127.0.0.1 ${readFileSync(join(dir, `host_${name}.pub`), 'utf8')}`)
      .join('');
    const fingerprints = fingerprintsFromKnownHosts(knownHosts);
    const printed = execFileSync('ssh-keygen', ['-lf', join(dir, 'host_app.pub')]).toString();
    expect(printed).toContain(fingerprints[1]);
    const exec = createSshExec(options({ hostKeys: { mode: 'allowlist', fingerprints } }));
    try {
      expect((await exec.run(appTarget(), 'echo trusted', { timeoutMs: 10_000 })).stdout).toBe('trusted\n');
    } finally {
      await exec.close();
    }
  });

  it('refuses a host whose key is not on the allowlist', async () => {
    const onlyBastion = fingerprintsFromKnownHosts(
      `h ${readFileSync(join(dir, 'host_bastion.pub'), 'utf8')}`,
    );
    const error = await firstRun({ hostKeys: { mode: 'allowlist', fingerprints: onlyBastion } });
    expect(error.kind).toBe('host-key');
    expect(error.message).toMatch(
      /i-0app .* presented host key SHA256:\S+, which is not pinned: add it to exec\.hostKeys \(or its known_hosts line to exec\.knownHosts\), or run once with --accept-new-host-key$/,
    );
  });

  it("pins the stack file's keys: refuses unknown ones with the fingerprint, and accept-new records them once", async () => {
    const knownHosts = join(dir, 'pinned', 'known_hosts');
    const stack: Stack = {
      name: 'ssh-pinning',
      ec2: { bastion: `127.0.0.1:${bastion.port}` },
      exec: {
        via: 'ssh',
        user,
        key: join(dir, 'client_key'),
        knownHosts,
      },
    };
    const fingerprintOf = (name: string) =>
      /(SHA256:\S+)/.exec(execFileSync('ssh-keygen', ['-lf', join(dir, `host_${name}.pub`)]).toString())![1]!;
    const runOnce = async (options: { acceptNewHostKey?: boolean }) => {
      const exec = execForStack(stack, { ...options, knownHostsFile: knownHosts })!;
      try {
        return await exec.run(appTarget(), 'echo pinned', { timeoutMs: 10_000 });
      } finally {
        await exec.close();
      }
    };
    // Nothing pinned: the bastion's key is refused, and the one line says which fingerprint to pin.
    const refused = await execError(runOnce({}));
    expect(refused.kind).toBe('host-key');
    expect(refused.message).toContain(
      `bastion 127.0.0.1:${bastion.port} presented host key ${fingerprintOf('bastion')}`,
    );
    expect(refused.message).toContain('--accept-new-host-key');
    expect(existsSync(knownHosts)).toBe(false);
    // --accept-new-host-key: trusted once and recorded, bastion and app instance both.
    expect((await runOnce({ acceptNewHostKey: true })).stdout).toBe('pinned\n');
    const recorded = readFileSync(knownHosts, 'utf8');
    expect(recorded.split('\n').filter(Boolean)).toHaveLength(2);
    expect(recorded).toContain(`[127.0.0.1]:${bastion.port} `);
    expect(fingerprintsFromKnownHosts(recorded).sort()).toEqual(
      [fingerprintOf('bastion'), fingerprintOf('app')].sort(),
    );
    // The next run trusts what was recorded, without the flag, and records nothing more.
    expect((await runOnce({})).stdout).toBe('pinned\n');
    expect(readFileSync(knownHosts, 'utf8')).toBe(recorded);
    // exec.hostKeys pins by fingerprint alone; a key that differs from the pinned one is refused.
    const onlyBastion: Stack = {
      ...stack,
      exec: { ...stack.exec!, knownHosts: join(dir, 'none'), hostKeys: [fingerprintOf('bastion')] },
    } as Stack;
    const exec = execForStack(onlyBastion, { knownHostsFile: join(dir, 'none') })!;
    try {
      const error = await execError(exec.run(appTarget(), 'true', { timeoutMs: 10_000 }));
      expect(error.message).toContain(`presented host key ${fingerprintOf('app')}, which is not pinned`);
    } finally {
      await exec.close();
    }
  });

  it('cannot be used after close', async () => {
    const exec = createSshExec(options());
    await exec.close();
    expect((await execError(exec.run(appTarget(), 'true', { timeoutMs: 1_000 }))).kind).toBe('closed');
  });
});
