// RemoteExec over SSH through the lab's bastion host: one connection to the bastion, a direct-tcpip
// channel (forwardOut) from it to each app instance's private IP, and an SSH connection to the instance
// over that channel, as `ssh -J` does. Connections are kept for the run and reused across commands.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { ClientChannel, ConnectConfig, Client as SshClient } from 'ssh2';
import ssh2 from 'ssh2';
import {
  boundOutput,
  checkRunOptions,
  ExecError,
  type ExecErrorKind,
  type ExecResult,
  type ExecTarget,
  OUTPUT_LIMIT_CHARS,
  type RemoteExec,
  type RunOptions,
} from './transport.ts';

/**
 * Which host keys are trusted. accept-on-first-use: the first key a host presents during this run is
 * remembered and any other key from it later is refused. allowlist: only keys whose SHA256 fingerprint
 * (as `ssh-keygen -lf` prints it, `SHA256:…`) is listed; see fingerprintsFromKnownHosts. accept-new: the
 * allowlist, plus keys never seen before, recorded for next time. A stack file's exec gets allowlist or
 * accept-new (probes/exec/execForStack.ts).
 */
export type HostKeyPolicy =
  | { mode: 'accept-on-first-use' }
  | { mode: 'allowlist'; fingerprints: readonly string[] }
  /**
   * OpenSSH's accept-new: pinned keys as in allowlist; a host whose key is not pinned is accepted once and
   * `record` is told its known_hosts line (so the next run pins it).
   */
  | { mode: 'accept-new'; fingerprints: readonly string[]; record: (knownHostsLine: string) => void };

export interface SshExecOptions {
  /** HOST, HOST:PORT or [IPv6]:PORT of the bastion; port 22 when omitted. */
  bastion: string;
  /** Login on the bastion (ec2-user on Amazon Linux). */
  user: string;
  /** Login on the app instances; the bastion's user when omitted. */
  targetUser?: string;
  /** Private key file; the SSH agent at agentSocket is used when omitted. */
  privateKeyPath?: string;
  passphrase?: string;
  /** SSH agent socket; process.env.SSH_AUTH_SOCK when omitted. */
  agentSocket?: string;
  /** Bound on each SSH handshake (bastion, then each target); default 10,000 ms. */
  connectTimeoutMs?: number;
  hostKeys?: HostKeyPolicy;
}

type Auth = { privateKey: Buffer; passphrase?: string } | { agent: string };

const MAX_ERROR_TEXT = 300;
const CLOSE_WAIT_MS = 2_000;
/** Bytes kept per stream before decoding: enough for OUTPUT_LIMIT_CHARS characters of any UTF-8. */
const OUTPUT_LIMIT_BYTES = OUTPUT_LIMIT_CHARS * 4;

/** The SHA256 fingerprint of an SSH public key blob, in OpenSSH's `SHA256:base64` form. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The host as known_hosts names it: `host` on port 22, else `[host]:port`. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** A known_hosts line for a host key blob (`host keytype base64`), as OpenSSH writes one. */
export function knownHostsLine(host: string, keyBlob: Buffer): string {
  // The blob starts with its key type as an SSH string: a 4-byte length, then the name.
  const typeLength = keyBlob.length >= 4 ? keyBlob.readUInt32BE(0) : 0;
  const type =
    typeLength > 0 && typeLength < 64
      ? keyBlob.subarray(4, 4 + typeLength).toString('latin1')
      : 'ssh-unknown';
  return `${host} ${type} ${keyBlob.toString('base64')}`;
}

/**
 * Fingerprints of the keys in known_hosts-style text (`hosts keytype base64 [comment]` per line, as
 * `ssh-keyscan` prints). Lines that are already fingerprints (`SHA256:…`) are taken as they are. Host
 * names are not matched: every listed key is trusted for every host of the run.
 */
export function fingerprintsFromKnownHosts(text: string): string[] {
  const fingerprints: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (/^SHA256:[A-Za-z0-9+/]{43}$/.test(line)) {
      fingerprints.push(line);
      continue;
    }
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) continue; // @cert-authority / @revoked markers are not plain host keys
    const blob = fields[2];
    if (fields.length < 3 || blob === undefined || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) continue;
    fingerprints.push(hostKeyFingerprint(Buffer.from(blob, 'base64')));
  }
  return fingerprints;
}

/** HOST[:PORT] or [IPv6]:PORT → host and port. */
export function parseHostPort(value: string, defaultPort = 22): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  let host: string;
  let port: string | undefined;
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2];
  } else if ((value.match(/:/g) ?? []).length === 1) {
    [host, port] = value.split(':') as [string, string];
  } else {
    host = value; // a bare name, IPv4, or an IPv6 address without a port
  }
  const portNumber = port === undefined ? defaultPort : Number(port);
  if (host === '' || !Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
    throw new ExecError('config', `not a HOST[:PORT]: ${JSON.stringify(value.slice(0, 100))}`);
  }
  return { host, port: portNumber };
}

function describeError(error: unknown): {
  message: string;
  level: string | undefined;
  code: string | undefined;
} {
  if (!(error instanceof Error))
    return { message: String(error).slice(0, MAX_ERROR_TEXT), level: undefined, code: undefined };
  const { level, code } = error as { level?: unknown; code?: unknown };
  return {
    message: error.message.slice(0, MAX_ERROR_TEXT),
    level: typeof level === 'string' ? level : undefined,
    code: typeof code === 'string' ? code : undefined,
  };
}

/** Rejects when `promise` has not settled within `ms`; the promise itself goes on. */
function withinTime<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  if (ms <= 0) return Promise.reject(new ExecError('timeout', `${what}: no time left`));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new ExecError('timeout', `${what} took longer than ${Math.round(ms)} ms`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Collects a stream's bytes up to a bound; the rest is counted and dropped. */
class BoundedBytes {
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  add(chunk: Buffer): void {
    const room = OUTPUT_LIMIT_BYTES - this.kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
  }

  text(): string {
    return boundOutput(Buffer.concat(this.chunks).toString('utf8'));
  }
}

interface Exited {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function createSshExec(options: SshExecOptions): RemoteExec {
  const bastion = parseHostPort(options.bastion);
  const bastionLabel = `bastion ${bastion.host}:${bastion.port}`;
  const targetUser = options.targetUser ?? options.user;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const policy: HostKeyPolicy = options.hostKeys ?? { mode: 'accept-on-first-use' };
  const allowed = policy.mode === 'accept-on-first-use' ? null : new Set(policy.fingerprints);
  const seenHostKeys = new Map<string, string>();

  let auth: Promise<Auth> | null = null;
  let bastionConnection: Promise<SshClient> | null = null;
  const targetConnections = new Map<string, Promise<SshClient>>();
  const openClients = new Set<SshClient>();
  let closed = false;

  async function loadAuth(): Promise<Auth> {
    if (options.privateKeyPath !== undefined) {
      let key: Buffer;
      try {
        key = await readFile(options.privateKeyPath);
      } catch (error) {
        throw new ExecError(
          'config',
          `cannot read the SSH key ${options.privateKeyPath}: ${describeError(error).message}`,
        );
      }
      const parsed = ssh2.utils.parseKey(key, options.passphrase);
      if (parsed instanceof Error) {
        throw new ExecError('config', `cannot use the SSH key ${options.privateKeyPath}: ${parsed.message}`);
      }
      const first = Array.isArray(parsed) ? parsed[0] : parsed;
      if (first === undefined || !first.isPrivateKey()) {
        throw new ExecError(
          'config',
          `cannot use the SSH key ${options.privateKeyPath}: it holds no private key`,
        );
      }
      return options.passphrase === undefined
        ? { privateKey: key }
        : { privateKey: key, passphrase: options.passphrase };
    }
    const agent = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
    if (agent === undefined || agent === '') {
      throw new ExecError(
        'config',
        'no SSH key: give a key file (exec.key in the stack file) or start an SSH agent (SSH_AUTH_SOCK)',
      );
    }
    return { agent };
  }

  /** Opens one SSH connection (directly or over `sock`) and resolves once it is authenticated. */
  function openConnection(
    label: string,
    hostKeyId: string,
    knownHost: string,
    config: ConnectConfig & { sock?: Duplex },
  ): Promise<SshClient> {
    return new Promise<SshClient>((resolve, reject) => {
      const client = new ssh2.Client();
      let rejectedKey: string | null = null;
      let ready = false;
      const hostVerifier = (key: Buffer): boolean => {
        const fingerprint = hostKeyFingerprint(key);
        if (allowed !== null) {
          if (allowed.has(fingerprint)) return true;
          if (policy.mode === 'accept-new') {
            allowed.add(fingerprint);
            policy.record(`${knownHostsLine(knownHost, key)} ${label.replace(/\s+/g, '_')}`);
            return true;
          }
          rejectedKey = `${fingerprint}, which is not pinned: add it to exec.hostKeys (or its known_hosts line to exec.knownHosts), or run once with --accept-new-host-key`;
          return false;
        }
        const known = seenHostKeys.get(hostKeyId);
        if (known === undefined) {
          seenHostKeys.set(hostKeyId, fingerprint);
          return true;
        }
        if (known === fingerprint) return true;
        rejectedKey = `${fingerprint} differs from ${known}, which it presented earlier in this run`;
        return false;
      };
      client.on('ready', () => {
        ready = true;
        openClients.add(client);
        resolve(client);
      });
      client.on('error', (error: unknown) => {
        if (ready) return; // later errors surface through 'close' and the command that was running
        reject(connectionError(label, config.username ?? '', error, rejectedKey));
      });
      client.on('close', () => {
        openClients.delete(client);
        if (!ready) reject(new ExecError('connect', `${label} closed the connection during the handshake`));
      });
      try {
        client.connect({
          ...config,
          hostVerifier,
          readyTimeout: connectTimeoutMs,
          keepaliveInterval: 15_000,
        });
      } catch (error) {
        reject(new ExecError('config', `cannot connect to ${label}: ${describeError(error).message}`));
      }
    });
  }

  function connectionError(
    label: string,
    user: string,
    error: unknown,
    rejectedKey: string | null,
  ): ExecError {
    const { message, level, code } = describeError(error);
    if (rejectedKey !== null) {
      return new ExecError('host-key', `${label} presented host key ${rejectedKey}`, { cause: error });
    }
    let kind: ExecErrorKind = 'transport';
    let text = `${label}: ${message}`;
    if (level === 'client-authentication') {
      kind = 'auth';
      text = `${label} refused the key for user ${user} (${message})`;
    } else if (level === 'client-timeout') {
      kind = 'timeout';
      text = `${label} did not complete the SSH handshake within ${connectTimeoutMs} ms`;
    } else if (level === 'client-socket' || code !== undefined) {
      kind = 'connect';
      text = `cannot reach ${label}: ${message}`;
    }
    return new ExecError(kind, text, { cause: error });
  }

  function forgetOnClose(client: Promise<SshClient>, forget: () => void): void {
    client.then(
      (connection) => connection.once('close', forget),
      () => forget(),
    );
  }

  function bastionClient(): Promise<SshClient> {
    if (bastionConnection !== null) return bastionConnection;
    const connecting = (async () => {
      auth ??= loadAuth();
      const credentials = await auth;
      return openConnection(
        bastionLabel,
        `${bastion.host}:${bastion.port}`,
        knownHostsName(bastion.host, bastion.port),
        {
          host: bastion.host,
          port: bastion.port,
          username: options.user,
          ...credentials,
        },
      );
    })();
    bastionConnection = connecting;
    forgetOnClose(connecting, () => {
      if (bastionConnection === connecting) bastionConnection = null;
      // Target connections ride on the bastion's channels and end with it.
      targetConnections.clear();
    });
    return connecting;
  }

  function forward(via: SshClient, ip: string, port: number, label: string): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      via.forwardOut('127.0.0.1', 0, ip, port, (error, stream) => {
        if (error) {
          reject(
            new ExecError(
              'connect',
              `${bastionLabel} could not open a connection to ${label}: ${describeError(error).message}`,
            ),
          );
          return;
        }
        resolve(stream);
      });
    });
  }

  function targetClient(instanceId: string, ip: string, port: number, label: string): Promise<SshClient> {
    // Keyed (and host keys remembered) per instance: under Auto Scaling a new instance may reuse an IP.
    const key = `${instanceId}@${ip}:${port}`;
    const existing = targetConnections.get(key);
    if (existing !== undefined) return existing;
    const connecting = (async () => {
      const via = await bastionClient();
      const credentials = await auth!;
      const stream = await withinTime(
        forward(via, ip, port, label),
        connectTimeoutMs,
        `opening a channel to ${label}`,
      );
      return openConnection(label, key, knownHostsName(ip, port), {
        sock: stream,
        username: targetUser,
        ...credentials,
      });
    })();
    targetConnections.set(key, connecting);
    forgetOnClose(connecting, () => {
      if (targetConnections.get(key) === connecting) targetConnections.delete(key);
    });
    return connecting;
  }

  function execute(client: SshClient, command: string, timeoutMs: number, label: string): Promise<Exited> {
    return new Promise<Exited>((resolve, reject) => {
      let channel: ClientChannel | null = null;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        if (channel !== null) {
          try {
            channel.signal('KILL');
          } catch {
            // The server may not take signals; closing the channel below ends the session anyway.
          }
          channel.close();
        }
        reject(
          new ExecError(
            'timeout',
            `the command on ${label} did not finish within ${Math.round(timeoutMs)} ms`,
          ),
        );
      }, timeoutMs);
      client.exec(command, (error, opened) => {
        if (error) {
          clearTimeout(timer);
          if (!settled)
            reject(
              new ExecError(
                'transport',
                `${label} refused to run the command: ${describeError(error).message}`,
              ),
            );
          settled = true;
          return;
        }
        channel = opened;
        if (settled) {
          opened.close();
          return;
        }
        const stdout = new BoundedBytes();
        const stderr = new BoundedBytes();
        let exitCode: number | null = null;
        opened.on('data', (chunk: Buffer) => stdout.add(chunk));
        opened.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
        opened.on('exit', (code: number | null) => {
          exitCode = typeof code === 'number' ? code : -1;
        });
        opened.on('close', () => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          if (exitCode === null) {
            reject(
              new ExecError('transport', `the connection to ${label} closed before the command finished`),
            );
            return;
          }
          resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode });
        });
      });
    });
  }

  async function run(target: ExecTarget, command: string, runOptions: RunOptions): Promise<ExecResult> {
    if (closed) throw new ExecError('closed', 'the SSH transport is closed');
    checkRunOptions(runOptions);
    if (target.privateIp === undefined || target.privateIp === '') {
      throw new ExecError('config', `${target.instanceId} has no private IP to reach through the bastion`);
    }
    const port = target.sshPort ?? 22;
    const label = `${target.instanceId} (${target.privateIp}:${port}) through ${bastionLabel}`;
    const started = performance.now();
    const remaining = (): number => runOptions.timeoutMs - (performance.now() - started);

    const client = await withinTime(
      targetClient(target.instanceId, target.privateIp, port, label),
      remaining(),
      `connecting to ${label}`,
    );
    const exited = await execute(client, command, Math.max(1, remaining()), label);
    return {
      ...exited,
      status: exited.exitCode === 0 ? 'Success' : 'Failed',
      durationMs: performance.now() - started,
    };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    const clients = [...openClients];
    const ended = clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            client.destroy();
            resolve();
          }, CLOSE_WAIT_MS);
          client.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          client.end();
        }),
    );
    // Connections still in their handshake are left to their own readyTimeout; settle them quietly.
    for (const pending of [bastionConnection, ...targetConnections.values()]) {
      pending?.then(
        (client) => client.end(),
        () => undefined,
      );
    }
    await Promise.all(ended);
    targetConnections.clear();
    bastionConnection = null;
  }

  return { run, close };
}
