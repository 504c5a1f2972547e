import { defaults } from '../../config/defaults.ts';
import type { HttpProbeOptions } from '../http.ts';
import type { Sampler } from '../poller.ts';
import type { SqlSessionOptions } from '../sql.ts';
import { type AppSample, startAppPoller } from './appPoller.ts';
import { type DnsSample, startDnsPoller } from './dnsPoller.ts';
import { type HeartbeatSample, type HeartbeatWriter, startHeartbeatWriter } from './sqlHeartbeat.ts';
import { startTcpPoller, type TcpSample } from './tcpPoller.ts';

// The observers of one failover, started together and stopped together: DNS, TCP connect to the current
// address, SQL heartbeat writes and the app page. Each is bounded by maxDurationMs and its number of looks (maxPolls).

export interface FailoverObserverOptions {
  /** The endpoint name (instance endpoint, or Aurora writer endpoint). */
  endpointName: string;
  resolver?: string;
  maxDurationMs: number;
  dns?: { everyMs: number; timeoutMs: number };
  /** TCP connect to the current address (or to `host` when a tunnel replaces the address). */
  tcp?: { port: number; host?: string; everyMs: number; timeoutMs: number };
  sql?: { session: SqlSessionOptions; note: string; everyMs: number };
  app?: { url: string; http: HttpProbeOptions; everyMs: number };
  /** Called when a figure changes, for live progress. */
  onFigures?: (figures: ObserverFigures) => void;
}

export interface ObserverFigures {
  dns: string;
  writesOk: number;
  writesFailed: number;
  app: string;
  /** The latest heartbeat write was acknowledged. */
  lastWriteOk: boolean;
  /** The latest app page load was healthy. */
  lastAppHealthy: boolean;
}

export interface FailoverObservation {
  dns: DnsSample[];
  tcp: TcpSample[];
  writes: HeartbeatSample[];
  app: AppSample[];
  acknowledged: number[];
}

export interface RunningObservers {
  /** The address of the latest DNS answer that had one. */
  latestAddress(): string | null;
  figures(): ObserverFigures;
  /** Stops every observer and returns what each saw. */
  stop(): Promise<FailoverObservation>;
}

const cap = (maxDurationMs: number, everyMs: number) => Math.ceil(maxDurationMs / Math.max(1, everyMs)) + 10;

export function startFailoverObservers(options: FailoverObserverOptions): RunningObservers {
  const figures: ObserverFigures = {
    dns: '-',
    writesOk: 0,
    writesFailed: 0,
    app: '-',
    lastWriteOk: false,
    lastAppHealthy: false,
  };
  let latest: string | null = null;
  const changed = () => options.onFigures?.({ ...figures });
  const dnsEvery = options.dns?.everyMs ?? defaults.failoverWatch.dnsEveryMs;
  const dns = startDnsPoller(
    {
      name: options.endpointName,
      ...(options.resolver ? { resolver: options.resolver } : {}),
      timeoutMs: options.dns?.timeoutMs ?? defaults.failoverDrill.lookTimeoutMs,
      everyMs: dnsEvery,
      maxPolls: cap(options.maxDurationMs, dnsEvery),
      maxDurationMs: options.maxDurationMs,
    },
    (sample) => {
      const address = sample.addresses[0];
      if (address) latest = address;
      const shown = address ?? sample.error ?? sample.rcode ?? '-';
      if (shown !== figures.dns) {
        figures.dns = shown;
        changed();
      }
    },
  );
  const tcpOptions = options.tcp;
  const tcp: Sampler<TcpSample> | null = tcpOptions
    ? startTcpPoller({
        target: () => {
          const host = tcpOptions.host ?? latest;
          return host ? { host, port: tcpOptions.port } : null;
        },
        timeoutMs: tcpOptions.timeoutMs,
        everyMs: tcpOptions.everyMs,
        maxPolls: cap(options.maxDurationMs, tcpOptions.everyMs),
        maxDurationMs: options.maxDurationMs,
      })
    : null;
  const heartbeat: HeartbeatWriter | null = options.sql
    ? startHeartbeatWriter(
        {
          session: options.sql.session,
          note: options.sql.note,
          everyMs: options.sql.everyMs,
          maxPolls: cap(options.maxDurationMs, options.sql.everyMs),
          maxDurationMs: options.maxDurationMs,
        },
        (sample) => {
          if (sample.ok) figures.writesOk++;
          else figures.writesFailed++;
          figures.lastWriteOk = sample.ok;
          changed();
        },
      )
    : null;
  const app: Sampler<AppSample> | null = options.app
    ? startAppPoller(
        {
          url: options.app.url,
          http: options.app.http,
          everyMs: options.app.everyMs,
          maxPolls: cap(options.maxDurationMs, options.app.everyMs),
          maxDurationMs: options.maxDurationMs,
        },
        (sample) => {
          figures.lastAppHealthy = sample.healthy;
          const shown = sample.healthy ? `${sample.status} ok` : (sample.problem ?? 'down');
          if (shown !== figures.app) {
            figures.app = shown.slice(0, 60);
            changed();
          }
        },
      )
    : null;

  return {
    latestAddress: () => latest,
    figures: () => ({ ...figures }),
    async stop() {
      const [dnsSamples, tcpSamples, writeSamples, appSamples] = await Promise.all([
        dns.stop(),
        tcp ? tcp.stop() : Promise.resolve([]),
        heartbeat ? heartbeat.stop() : Promise.resolve([]),
        app ? app.stop() : Promise.resolve([]),
      ]);
      return {
        dns: dnsSamples,
        tcp: tcpSamples,
        writes: writeSamples,
        app: appSamples,
        acknowledged: heartbeat ? heartbeat.acknowledged() : [],
      };
    },
  };
}
