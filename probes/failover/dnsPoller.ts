import { resolveName, resolveWithSystem } from '../dns.ts';
import { type PollBounds, type Sampler, startSampler } from '../poller.ts';

// Asks for the endpoint's address over and over (labdrill's own resolver, no OS cache), so that the moment
// the name moves to the standby is seen within one poll interval.

export interface DnsSample {
  /** Epoch ms when the question was sent. */
  sentAt: number;
  /** Epoch ms when the answer (or the error) came. */
  at: number;
  addresses: string[];
  rcode: string | null;
  error?: string;
}

export interface DnsPollerOptions extends PollBounds {
  maxPolls: number;
  name: string;
  /** "HOST:PORT"; the system's servers (still without a cache) when absent. */
  resolver?: string;
  timeoutMs: number;
}

export function startDnsPoller(
  options: DnsPollerOptions,
  onSample?: (sample: DnsSample) => void,
): Sampler<DnsSample> {
  return startSampler(
    async () => {
      const sentAt = Date.now();
      try {
        const answer = options.resolver
          ? await resolveName(options.name, {
              resolver: options.resolver,
              timeoutMs: options.timeoutMs,
              retries: 0,
            })
          : await resolveWithSystem(options.name, options.timeoutMs, { retries: 0 });
        return { sentAt, at: Date.now(), addresses: answer.addresses.slice(0, 16), rcode: answer.rcode };
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return { sentAt, at: Date.now(), addresses: [], rcode: null, error: text.slice(0, 200) };
      }
    },
    options,
    onSample,
  );
}
