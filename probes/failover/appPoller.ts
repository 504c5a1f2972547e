import { type HttpProbeOptions, httpGet } from '../http.ts';
import { judgeAppPage } from '../page.ts';
import { type PollBounds, type Sampler, startSampler } from '../poller.ts';

// Loads the lab page through the ALB over and over: the page is healthy when it answers 200 without the
// "Failed to connect to MySQL" the lab's index.php prints when the database is away.

export interface AppSample {
  sentAt: number;
  at: number;
  status: number | null;
  healthy: boolean;
  /** Why it is not healthy: the database error on the page, the HTTP status or the transport error. */
  problem?: string;
}

export interface AppPollerOptions extends PollBounds {
  maxPolls: number;
  url: string;
  http: HttpProbeOptions;
}

export function startAppPoller(
  options: AppPollerOptions,
  onSample?: (sample: AppSample) => void,
): Sampler<AppSample> {
  return startSampler(
    async () => {
      const sentAt = Date.now();
      try {
        const response = await httpGet(options.url, { ...options.http, retries: 0 });
        return {
          sentAt,
          at: Date.now(),
          status: response.status,
          ...judgeAppPage(response.status, response.body),
        };
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return { sentAt, at: Date.now(), status: null, healthy: false, problem: text.slice(0, 200) };
      }
    },
    options,
    onSample,
  );
}
