// One stretch of constant load (a ramp step, or the whole run) driven by autocannon, with our own
// listeners on every client it opens. autocannon's setupClient hands us each client; from it we
// count requests, responses, errors and timeouts, and read the few bodies the sampler asks for.

import { createRequire } from 'node:module';
import autocannon from 'autocannon';
import type { LoadMeter } from './loadMeter.ts';
import { MAX_SAMPLED_BODY_CHARS, type TargetSampler } from './targetSampler.ts';

/**
 * The parts of autocannon 9's lib/httpClient.js Client used here. `pipelinedRequests.addBody` is
 * internal: autocannon appends every response body to a string through it; we replace it so bodies
 * are only kept when sampled, and then only up to MAX_SAMPLED_BODY_CHARS (a peer can send
 * gigabytes). `destroy` is the client's own shutdown, used when a stop takes too long.
 */
interface CannonClient {
  on(event: 'request', listener: () => void): void;
  on(event: 'response', listener: (statusCode: number, bytes: number, latencyMs: number) => void): void;
  on(event: 'connError' | 'timeout', listener: () => void): void;
  destroy(): void;
  pipelinedRequests?: { addBody?: (chunk: Buffer) => void };
}

export interface StepOptions {
  url: string;
  connections: number;
  durationS: number;
  timeoutS: number;
  /** Overall requests per second cap. */
  rate?: number;
  /** Requests this step may write in total. */
  maxRequests?: number;
  meter: LoadMeter;
  sampler: TargetSampler | null;
}

export interface RunningStep {
  /** Resolves when autocannon has closed every client of this step. */
  finished: Promise<void>;
  /** Asks autocannon to stop; it acts on it within one sample interval. */
  stop(): void;
  /** Closes every client's socket directly, for a stop that autocannon did not honour in time. */
  destroyClients(): void;
}

/** The autocannon release whose internals (above) this module was written against; package.json pins it. */
export const pinnedAutocannonVersion = '9.0.0';

/**
 * The start-up self-check: the installed autocannon is the pinned release, and a client of it has the
 * internal body queue this module replaces. Without it labdrill would keep every body autocannon reads.
 */
export function checkAutocannonInternals(
  installed: string = createRequire(import.meta.url)('autocannon/package.json').version,
  client?: { pipelinedRequests?: { addBody?: unknown } },
): void {
  if (installed !== pinnedAutocannonVersion) {
    throw new Error(
      `autocannon ${installed} is installed, but labdrill's load generator relies on internals of ${pinnedAutocannonVersion}: run npm ci`,
    );
  }
  if (client && typeof client.pipelinedRequests?.addBody !== 'function') {
    throw new Error(
      `autocannon ${installed}'s client has no pipelinedRequests.addBody: its internals changed; labdrill cannot bound the bodies it reads`,
    );
  }
}

/** autocannon only looks at its stop flag on each sample tick; a short tick makes caps prompt. */
const SAMPLE_INTERVAL_MS = 100;

function appendBounded(captured: string, chunk: Buffer): string {
  const room = MAX_SAMPLED_BODY_CHARS - captured.length;
  if (room <= 0) return captured;
  return captured + chunk.toString('utf8', 0, Math.min(chunk.length, room));
}

function wireClient(client: CannonClient, meter: LoadMeter, sampler: TargetSampler | null): void {
  client.on('request', () => meter.onSent());
  client.on('connError', () => meter.onError(false));
  client.on('timeout', () => meter.onError(true));

  const queue = client.pipelinedRequests!; // present: checked by checkAutocannonInternals before wiring

  if (sampler === null) {
    queue.addBody = () => {};
    client.on('response', (statusCode, bytes, latencyMs) => meter.onResponse(statusCode, bytes, latencyMs));
    return;
  }

  // Non-null while the response in flight on this client is to be read: the body so far. With one
  // request in flight per connection, the decision for the next response is made as the previous one
  // completes, which keeps a listener off autocannon's per-response 'headers' event.
  let captured: string | null = sampler.shouldSample() ? '' : null;
  const onBody = (chunk: Buffer) => {
    if (captured !== null) captured = appendBounded(captured, chunk);
  };
  queue.addBody = onBody;
  // A lost response (error, timeout) leaves a partial body behind; the retry starts afresh.
  const restartCapture = () => {
    if (captured !== null) captured = '';
  };
  client.on('connError', restartCapture);
  client.on('timeout', restartCapture);
  client.on('response', (statusCode, bytes, latencyMs) => {
    meter.onResponse(statusCode, bytes, latencyMs);
    if (captured !== null) sampler.record(captured);
    captured = sampler.shouldSample() ? '' : null;
  });
}

export function startStep(options: StepOptions): RunningStep {
  // autocannon splits request and rate caps evenly over connections; a connection whose share
  // rounds to 0 would run unlimited, so never open more connections than either cap.
  const connections = Math.min(
    options.connections,
    options.maxRequests ?? Number.POSITIVE_INFINITY,
    options.rate ?? Number.POSITIVE_INFINITY,
  );
  checkAutocannonInternals();
  const clients = new Set<CannonClient>();
  let instance: autocannon.Instance | null = null;
  let internalsProblem: Error | null = null;
  const finished = new Promise<void>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections,
        duration: options.durationS,
        timeout: options.timeoutS,
        sampleInt: SAMPLE_INTERVAL_MS,
        // maxOverallRequests, not `amount`: `amount` switches the duration timer off, so a target
        // that never answers would hold the run forever. Both split the cap over connections.
        ...(options.maxRequests === undefined ? {} : { maxOverallRequests: options.maxRequests }),
        ...(options.rate === undefined ? {} : { overallRate: options.rate }),
        setupClient: (client) => {
          // The typings describe the public Client only; the runtime object is lib/httpClient.js's.
          const cannonClient = client as unknown as CannonClient;
          clients.add(cannonClient);
          try {
            checkAutocannonInternals(undefined, cannonClient);
          } catch (error) {
            // Fail loudly: stop the run and report why, rather than load without bounded bodies.
            internalsProblem ??= error as Error;
            instance?.stop();
            return;
          }
          wireClient(cannonClient, options.meter, options.sampler);
        },
      },
      (error) => (error || internalsProblem ? reject(error ?? internalsProblem) : resolve()),
    );
  });
  return {
    finished,
    stop: () => instance?.stop(),
    destroyClients: () => {
      for (const client of clients) client.destroy();
    },
  };
}
