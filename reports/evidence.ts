// The evidence model: what every check leaves behind. report.json is this model; the terminal
// summary, junit.xml and report.html are views of it. Everything in here may come from a stack,
// so every text is cut to a bounded size when it is recorded, not when it is shown.

import type { ErrorCode } from './errorCodes.ts';

export type Verdict = 'pass' | 'fail' | 'error' | 'skip';
export type CheckKind = 'probe' | 'drill';
export type Need = 'http' | 'aws' | 'exec' | 'sql' | 'dns';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Measurement {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export interface Excerpt {
  label: string;
  method?: string;
  url?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  bodyTruncated?: boolean;
  note?: string;
}

export interface TimelineEvent {
  /** Milliseconds since the check started. */
  atMs: number;
  label: string;
  detail?: string;
}

export interface SampleSeries {
  name: string;
  unit: string;
  values: number[];
}

/**
 * One named part of what a check proves (e.g. alb.round-robin's `every-target`, `both-azs`, `even-shares`),
 * judged on its own so that a rubric can give partial credit. Part names are an interface, like check ids.
 */
export interface CheckPart {
  name: string;
  passed: boolean;
  /** One line: what was seen. */
  detail: string;
}

export interface Evidence {
  measurements: Measurement[];
  /** The check's named sub-results, for partial credit (reports/grading). Empty for a check without parts. */
  parts: CheckPart[];
  excerpts: Excerpt[];
  timeline: TimelineEvent[];
  samples: SampleSeries[];
  notes: string[];
  data: Record<string, Json>;
}

export interface CheckResult {
  id: string;
  title: string;
  kind: CheckKind;
  needs: Need[];
  verdict: Verdict;
  /** One line: why this verdict. */
  reason: string;
  /** For error and skip: which kind of problem (reports/errorCodes.ts), so the stack's fault and labdrill's differ. */
  errorCode?: ErrorCode;
  /** For fail: what to change in the stack, in the lab's words. */
  fix?: string;
  startedAt: string;
  durationMs: number;
  /** The most wall time the check was allowed (its budget), in seconds. */
  budgetS?: number;
  evidence: Evidence;
}

export interface RunReport {
  schema: 'labdrill.report/1';
  labdrill: { version: string };
  stack: { name: string; region: string | null; file: string };
  startedAt: string;
  endedAt: string;
  durationMs: number;
  options: { only: string[] | null; chaos: boolean };
  twin: { faults: string[] } | null;
  summary: Record<Verdict, number> & { total: number };
  checks: CheckResult[];
}

export const evidenceLimits = {
  text: 2_000,
  body: 4_096,
  headerValue: 512,
  headers: 40,
  listItems: 200,
  seriesValues: 5_000,
} as const;

export function boundText(text: string, max: number = evidenceLimits.text): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [${text.length - max} more characters cut]`;
}

export function emptyEvidence(): Evidence {
  return { measurements: [], parts: [], excerpts: [], timeline: [], samples: [], notes: [], data: {} };
}

/** Collects evidence for one check, bounding everything as it comes in. */
export class EvidenceRecorder {
  readonly evidence: Evidence = emptyEvidence();
  private readonly startedAtMs = Date.now();

  measure(name: string, value: number, unit: string, note?: string): void {
    if (this.evidence.measurements.length >= evidenceLimits.listItems) return;
    const rounded = Number.isFinite(value) ? Math.round(value * 1000) / 1000 : value;
    this.evidence.measurements.push({
      name,
      value: rounded,
      unit,
      ...(note ? { note: boundText(note) } : {}),
    });
  }

  excerpt(excerpt: Excerpt): void {
    if (this.evidence.excerpts.length >= evidenceLimits.listItems) return;
    const headers = excerpt.headers
      ? Object.fromEntries(
          Object.entries(excerpt.headers)
            .slice(0, evidenceLimits.headers)
            .map(([k, v]) => [boundText(k, 100), boundText(v, evidenceLimits.headerValue)]),
        )
      : undefined;
    const body = excerpt.body === undefined ? undefined : boundText(excerpt.body, evidenceLimits.body);
    this.evidence.excerpts.push({
      ...excerpt,
      label: boundText(excerpt.label, 200),
      ...(excerpt.url ? { url: boundText(excerpt.url, 500) } : {}),
      ...(headers ? { headers } : {}),
      ...(body !== undefined ? { body } : {}),
      ...(excerpt.note ? { note: boundText(excerpt.note) } : {}),
    });
  }

  event(label: string, detail?: string, atMs: number = Date.now() - this.startedAtMs): void {
    if (this.evidence.timeline.length >= evidenceLimits.seriesValues) return;
    this.evidence.timeline.push({
      atMs: Math.max(0, Math.round(atMs)),
      label: boundText(label, 200),
      ...(detail ? { detail: boundText(detail) } : {}),
    });
  }

  series(name: string, unit: string, values: number[]): void {
    if (this.evidence.samples.length >= evidenceLimits.listItems) return;
    this.evidence.samples.push({ name, unit, values: values.slice(0, evidenceLimits.seriesValues) });
  }

  /** Records (or replaces) the named part's result. */
  part(name: string, passed: boolean, detail: string): void {
    const parts = this.evidence.parts.filter((p) => p.name !== name);
    parts.push({ name: boundText(name, 100), passed, detail: boundText(detail, 500) });
    this.evidence.parts = parts;
  }

  note(text: string): void {
    if (this.evidence.notes.length >= evidenceLimits.listItems) return;
    this.evidence.notes.push(boundText(text));
  }

  set(key: string, value: Json): void {
    this.evidence.data[key] = value;
  }
}
