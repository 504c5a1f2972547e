import type { ClientChannel, Client as SshClient } from 'ssh2';
import { boundOutput, ExecError, OUTPUT_LIMIT_CHARS } from './transport.ts';

// One command on an open SSH connection: its exit code and its output, each stream bounded as SSM bounds
// it, killed (and the channel closed) when it does not finish in time. Also how an ssh2 error is put in
// one bounded line, which the connection code uses as well.

const MAX_ERROR_TEXT = 300;
/** Bytes kept per stream before decoding: enough for OUTPUT_LIMIT_CHARS characters of any UTF-8. */
const OUTPUT_LIMIT_BYTES = OUTPUT_LIMIT_CHARS * 4;

/** An ssh2 error as facts: its message (bounded), and ssh2's level and code when it has them. */
export function describeSshError(error: unknown): {
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

export interface Exited {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs one command over an open connection; rejects with an ExecError when it cannot finish in time. */
export function runOnConnection(
  client: SshClient,
  command: string,
  timeoutMs: number,
  label: string,
): Promise<Exited> {
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
        new ExecError('timeout', `the command on ${label} did not finish within ${Math.round(timeoutMs)} ms`),
      );
    }, timeoutMs);
    client.exec(command, (error, opened) => {
      if (error) {
        clearTimeout(timer);
        if (!settled)
          reject(
            new ExecError(
              'transport',
              `${label} refused to run the command: ${describeSshError(error).message}`,
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
          reject(new ExecError('transport', `the connection to ${label} closed before the command finished`));
          return;
        }
        resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode });
      });
    });
  });
}
