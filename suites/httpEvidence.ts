import type { Settings } from '../config/settings.ts';
import { type HttpProbeOptions, type HttpSample, httpGet } from '../probes/http.ts';
import type { EvidenceRecorder } from '../reports/evidence.ts';

// The bridge between the HTTP probe and the evidence: probe options from the stack's settings, and a
// response excerpt a grader can read (status, the headers that matter, the start of the body).

export function httpOptions(settings: Settings, extra: Partial<HttpProbeOptions> = {}): HttpProbeOptions {
  return {
    timeoutMs: settings.probe.timeoutMs,
    retries: settings.probe.retries,
    maxBodyBytes: settings.probe.maxBodyBytes,
    ...extra,
  };
}

export function recordResponse(
  evidence: EvidenceRecorder,
  label: string,
  sample: HttpSample,
  bodyChars = 600,
): void {
  evidence.excerpt({
    label,
    method: sample.method,
    url: sample.url,
    status: sample.status,
    headers: sample.headers,
    body: sample.body.slice(0, bodyChars),
    bodyTruncated: sample.truncated || sample.body.length > bodyChars,
  });
}

/** GET with the stack's probe settings, recording the exchange as evidence. */
export async function getWithEvidence(
  evidence: EvidenceRecorder,
  settings: Settings,
  label: string,
  url: string,
  extra: Partial<HttpProbeOptions> = {},
): Promise<HttpSample> {
  const sample = await httpGet(url, httpOptions(settings, extra));
  recordResponse(evidence, label, sample);
  return sample;
}
