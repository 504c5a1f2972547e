// RemoteExec over SSH through the lab's bastion host: one connection to the bastion, a direct-tcpip
// channel (forwardOut) from it to each app instance's private IP, and an SSH connection to the instance
// over that channel, as `ssh -J` does. Connections are kept for the run and reused across commands. The
// host keys it trusts are sshHostKeys.ts's; one command on a connection is sshCommand.ts's.

import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import type { ConnectConfig, Client as SshClient } from 'ssh2';
import ssh2 from 'ssh2';
import { defaults } from '../../config/defaults.ts';
import { parseHostPort } from '../hostPort.ts';
import { describeSshError, runOnConnection } from './sshCommand.ts';
import { type HostKeyPolicy, hostKeyTrust, knownHostsName } from './sshHostKeys.ts';
import {
  checkRunOptions,
  ExecError,
  type ExecErrorKind,
  type ExecResult,
  type ExecTarget,
  type RemoteExec,
  type RunOptions,
} from './transport.ts';

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
  /** Bound on each SSH handshake (bastion, then each target); sshExec.connectTimeoutMs unless set. */
  connectTimeoutMs?: number;
  hostKeys?: HostKeyPolicy;
}

type Auth = { privateKey: Buffer; passphrase?: string } | { agent: string };

/** The bastion's HOST[:PORT] or [IPv6]:PORT (port 22 when absent) → host and port. */
function bastionAddress(value: string): { host: string; port: number } {
  const { host, port } = parseHostPort(value, 22);
  if (host === '' || port === null) {
    throw new ExecError('config', `not a HOST[:PORT]: ${JSON.stringify(value.slice(0, 100))}`);
  }
  return { host, port };
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

export function createSshExec(options: SshExecOptions): RemoteExec {
  const bastion = bastionAddress(options.bastion);
  const bastionLabel = `bastion ${bastion.host}:${bastion.port}`;
  const targetUser = options.targetUser ?? options.user;
  const connectTimeoutMs = options.connectTimeoutMs ?? defaults.sshExec.connectTimeoutMs;
  const hostKeys = hostKeyTrust(options.hostKeys ?? { mode: 'accept-on-first-use' });

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
          `cannot read the SSH key ${options.privateKeyPath}: ${describeSshError(error).message}`,
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
      const check = hostKeys.forHost(hostKeyId, knownHost, label);
      let ready = false;
      client.on('ready', () => {
        ready = true;
        openClients.add(client);
        resolve(client);
      });
      client.on('error', (error: unknown) => {
        if (ready) return; // later errors surface through 'close' and the command that was running
        reject(connectionError(label, config.username ?? '', error, check.rejected()));
      });
      client.on('close', () => {
        openClients.delete(client);
        if (!ready) reject(new ExecError('connect', `${label} closed the connection during the handshake`));
      });
      try {
        client.connect({
          ...config,
          hostVerifier: check.verify,
          readyTimeout: connectTimeoutMs,
          keepaliveInterval: defaults.sshExec.keepaliveEveryMs,
        });
      } catch (error) {
        reject(new ExecError('config', `cannot connect to ${label}: ${describeSshError(error).message}`));
      }
    });
  }

  function connectionError(
    label: string,
    user: string,
    error: unknown,
    rejectedKey: string | null,
  ): ExecError {
    const { message, level, code } = describeSshError(error);
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
              `${bastionLabel} could not open a connection to ${label}: ${describeSshError(error).message}`,
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
    const exited = await runOnConnection(client, command, Math.max(1, remaining()), label);
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
          }, defaults.sshExec.closeWaitMs);
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
