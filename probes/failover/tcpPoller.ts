import net from 'node:net';
import { type PollBounds, type Sampler, startSampler } from '../poller.ts';
import { formatHostPort } from '../hostPort.ts';

// Opens (and at once closes) a TCP connection to the endpoint's current address: shows when the old
// primary stops listening and when the address the name points to accepts connections again.

export interface TcpTarget {
  host: string;
  port: number;
}

export interface TcpSample {
  sentAt: number;
  at: number;
  /** "HOST:PORT" tried, or null when no address was known yet. */
  target: string | null;
  ok: boolean;
  connectMs: number | null;
  error?: string;
}

export interface TcpPollerOptions extends PollBounds {
  maxPolls: number;
  /** Where to connect now, e.g. the DNS poller's latest address; null skips the sample. */
  target: () => TcpTarget | null;
  timeoutMs: number;
}

/** One connect attempt, bounded by timeoutMs. */
export function tcpConnect(
  target: TcpTarget,
  timeoutMs: number,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.host, port: target.port });
    const finish = (ok: boolean, error?: string) => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.destroy();
      resolve({ ok, ms: performance.now() - started, ...(error ? { error } : {}) });
    };
    const timer = setTimeout(() => finish(false, `no connection within ${timeoutMs} ms`), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(false, error.code ?? error.message));
  });
}

export function startTcpPoller(
  options: TcpPollerOptions,
  onSample?: (sample: TcpSample) => void,
): Sampler<TcpSample> {
  return startSampler(
    async () => {
      const sentAt = Date.now();
      const target = options.target();
      if (!target)
        return { sentAt, at: sentAt, target: null, ok: false, connectMs: null, error: 'no address yet' };
      const label = formatHostPort(target.host, target.port);
      const result = await tcpConnect(target, options.timeoutMs);
      return {
        sentAt,
        at: Date.now(),
        target: label,
        ok: result.ok,
        connectMs: result.ok ? result.ms : null,
        ...(result.error ? { error: result.error } : {}),
      };
    },
    options,
    onSample,
  );
}
