import { HttpProbeError, type HttpProbeOptions, httpGet } from './http.ts';
import { type InstancePage, type PagePatterns, readInstancePage, readServingInstance } from './page.ts';

// Which instance served each of N requests through a load balancer. Every request opens a fresh
// connection (an ALB node balances per request, but a single kept-alive connection would pin one
// node), and a few requests run at once, as browsers and users do.

export interface ServedRequest {
  index: number;
  status: number | null;
  instanceId: string | null;
  availabilityZone: string | null;
  ms: number;
  error?: string;
}

export interface ServingTargets {
  requests: ServedRequest[];
  byInstance: Record<string, number>;
  byZone: Record<string, number>;
  zoneOf: Record<string, string>;
  /** One parsed page per instance, the first seen. */
  pages: Record<string, InstancePage>;
  status5xx: number;
  transportErrors: number;
  unidentified: number;
  /** The look at which `acceptAt` ended the sample early, or null when it ran to `requests`. */
  stoppedAt: number | null;
}

export interface SamplingOptions {
  /** The most requests. */
  requests: number;
  concurrency: number;
  http: HttpProbeOptions;
  patterns?: PagePatterns;
  /**
   * Request counts (ascending, below `requests`) at which the sample so far is shown to `acceptAt`: the
   * requests sent up to a look are all answered before it is judged, so each look sees exactly its count.
   */
  looks?: readonly number[];
  /** True ends the sample at this look. */
  acceptAt?: (sofar: ServingTargets, look: number) => boolean;
}

export async function sampleServingTargets(url: string, options: SamplingOptions): Promise<ServingTargets> {
  const result: ServingTargets = {
    requests: [],
    byInstance: {},
    byZone: {},
    zoneOf: {},
    pages: {},
    status5xx: 0,
    transportErrors: 0,
    unidentified: 0,
    stoppedAt: null,
  };
  let next = 0;
  let sendUpTo = 0;
  const worker = async () => {
    while (next < sendUpTo) {
      const index = next;
      next += 1;
      const started = performance.now();
      try {
        const response = await httpGet(url, { ...options.http, freshConnection: true });
        const page = readServingInstance(response.body, options.patterns);
        const served: ServedRequest = {
          index,
          status: response.status,
          instanceId: page.instanceId,
          availabilityZone: page.availabilityZone,
          ms: performance.now() - started,
        };
        result.requests.push(served);
        if (response.status >= 500) result.status5xx += 1;
        if (page.instanceId) {
          result.byInstance[page.instanceId] = (result.byInstance[page.instanceId] ?? 0) + 1;
          // The whole page is read once per instance, for the evidence.
          result.pages[page.instanceId] ??= readInstancePage(response.body, options.patterns);
          if (page.availabilityZone) result.zoneOf[page.instanceId] = page.availabilityZone;
        } else if (response.status < 500) {
          result.unidentified += 1;
        }
        if (page.availabilityZone)
          result.byZone[page.availabilityZone] = (result.byZone[page.availabilityZone] ?? 0) + 1;
      } catch (error) {
        if (!(error instanceof HttpProbeError)) throw error;
        result.transportErrors += 1;
        result.requests.push({
          index,
          status: null,
          instanceId: null,
          availabilityZone: null,
          ms: performance.now() - started,
          error: error.message,
        });
      }
    }
  };
  const looks = (options.looks ?? []).filter((look) => look > 0 && look < options.requests);
  for (const boundary of [...looks, options.requests]) {
    sendUpTo = boundary;
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.concurrency, boundary - next)) }, worker),
    );
    if (boundary < options.requests && options.acceptAt?.(result, boundary)) {
      result.stoppedAt = boundary;
      break;
    }
  }
  result.requests.sort((a, b) => a.index - b.index);
  return result;
}
