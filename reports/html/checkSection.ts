import type { CheckResult, Excerpt, Verdict } from '../evidence.ts';
import { chartsForCheck } from './checkCharts.ts';
import { escapeHtml, finiteNumber, formatDuration, formatNumber, safeBlock, safeText } from './htmlText.ts';
import { sortedEvents } from './timelineChart.ts';

// One check as a section of the page: what a grader needs first (verdict, reason, fix), then the
// pictures, then the evidence as tables and excerpts. Every text here comes from the report and is
// cut and escaped; URLs are shown as text, never as links.

export const sectionLimits = {
  measurements: 100,
  excerpts: 8,
  headers: 30,
  headerValue: 200,
  body: 4_096,
  notes: 50,
  timelineRows: 200,
  dataJson: 8_192,
} as const;

const verdicts: readonly Verdict[] = ['pass', 'fail', 'error', 'skip'];

/** The verdict to show: anything the model does not know counts as an error. */
export function verdictOf(check: CheckResult): Verdict {
  return verdicts.includes(check.verdict) ? check.verdict : 'error';
}

export function verdictBadge(verdict: Verdict): string {
  return `<span class="badge ${verdict}">${verdict}</span>`;
}

function measurementsTable(check: CheckResult): string {
  const rows = Array.isArray(check.evidence?.measurements) ? check.evidence.measurements : [];
  if (rows.length === 0) return '';
  const body = rows
    .slice(0, sectionLimits.measurements)
    .map((m) => {
      const value = finiteNumber(m?.value);
      return `<tr><td>${safeText(m?.name, 200)}</td><td class="num">${value === null ? '—' : escapeHtml(formatNumber(value))}</td><td>${safeText(m?.unit, 40)}</td><td>${safeText(m?.note, 200)}</td></tr>`;
    })
    .join('');
  const more =
    rows.length > sectionLimits.measurements
      ? `<p class="muted">${rows.length - sectionLimits.measurements} more measurements are in report.json.</p>`
      : '';
  return `<h4>Measurements</h4><table class="measurements"><thead><tr><th>measure</th><th>value</th><th>unit</th><th>note</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

function timelineTable(check: CheckResult): string {
  const events = sortedEvents(check.evidence?.timeline ?? []);
  if (events.length === 0) return '';
  const rows = events
    .slice(0, sectionLimits.timelineRows)
    .map(
      (e) =>
        `<tr><td class="num">+${escapeHtml(formatDuration(e.atMs))}</td><td>${safeText(e.label, 160)}</td><td>${safeText(e.detail, 300)}</td></tr>`,
    )
    .join('');
  const more =
    events.length > sectionLimits.timelineRows
      ? `<p class="muted">${events.length - sectionLimits.timelineRows} more events are in report.json.</p>`
      : '';
  const table = `<table class="timeline"><thead><tr><th>at</th><th>event</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>${more}`;
  // A drill's chart already shows the events; its table of details can stay folded.
  return check.kind === 'drill'
    ? `<details><summary>Timeline: ${events.length} events with their details</summary>${table}</details>`
    : `<h4>Timeline</h4>${table}`;
}

function excerptBlock(excerpt: Excerpt): string {
  const status = finiteNumber(excerpt.status);
  const statusClass =
    status === null
      ? ''
      : status >= 500
        ? ' s5'
        : status >= 400
          ? ' s4'
          : status >= 200 && status < 300
            ? ' s2'
            : '';
  const request = [
    excerpt.method ? `<span class="method">${safeText(excerpt.method, 16)}</span>` : '',
    // Shown as text, on purpose: a URL from a stack must never become a live link.
    excerpt.url ? `<code class="url">${safeText(excerpt.url, 500)}</code>` : '',
    status === null ? '' : `<span class="status${statusClass}">${escapeHtml(String(status))}</span>`,
  ]
    .filter(Boolean)
    .join(' ');
  const headers =
    excerpt.headers && typeof excerpt.headers === 'object'
      ? Object.entries(excerpt.headers).slice(0, sectionLimits.headers)
      : [];
  const headerTable = headers.length
    ? `<details><summary>${headers.length} response headers</summary><table class="headers"><tbody>${headers
        .map(
          ([k, v]) =>
            `<tr><th>${safeText(k, 100)}</th><td>${safeText(v, sectionLimits.headerValue)}</td></tr>`,
        )
        .join('')}</tbody></table></details>`
    : '';
  const body =
    typeof excerpt.body === 'string'
      ? `<pre class="body">${safeBlock(excerpt.body, sectionLimits.body)}</pre>${
          excerpt.bodyTruncated === true || excerpt.body.length > sectionLimits.body
            ? '<p class="muted">body cut: the full body was longer</p>'
            : ''
        }`
      : '';
  return [
    '<div class="excerpt">',
    `<div class="excerpt-head"><strong>${safeText(excerpt.label, 200)}</strong>${request ? ` ${request}` : ''}</div>`,
    excerpt.note ? `<p class="muted">${safeText(excerpt.note, 600)}</p>` : '',
    headerTable,
    body,
    '</div>',
  ].join('');
}

function excerpts(check: CheckResult): string {
  const list = Array.isArray(check.evidence?.excerpts) ? check.evidence.excerpts : [];
  const valid = list.filter((e): e is Excerpt => typeof e === 'object' && e !== null);
  if (valid.length === 0) return '';
  const more =
    valid.length > sectionLimits.excerpts
      ? `<p class="muted">${valid.length - sectionLimits.excerpts} more excerpts are in report.json.</p>`
      : '';
  return `<h4>Requests and responses</h4>${valid.slice(0, sectionLimits.excerpts).map(excerptBlock).join('')}${more}`;
}

function notes(check: CheckResult): string {
  const list = Array.isArray(check.evidence?.notes) ? check.evidence.notes : [];
  if (list.length === 0) return '';
  const items = list
    .slice(0, sectionLimits.notes)
    .map((note) => `<li>${safeText(note, 600)}</li>`)
    .join('');
  return `<h4>Notes</h4><ul class="notes">${items}</ul>`;
}

function rawData(check: CheckResult): string {
  const data = check.evidence?.data;
  if (!data || typeof data !== 'object' || Object.keys(data).length === 0) return '';
  let json: string;
  try {
    json = JSON.stringify(data, null, 2) ?? '';
  } catch {
    json = '(not printable)';
  }
  return `<details class="data"><summary>Recorded data (${safeText(Object.keys(data).slice(0, 12).join(', '), 300)})</summary><pre>${safeBlock(json, sectionLimits.dataJson)}</pre></details>`;
}

export interface SectionOptions {
  /** Anchor of the section; generated, never taken from the report. */
  anchor: string;
  nextChartId: () => string;
  /** Only the headline (verdict, reason, fix): used when the page is running out of room. */
  compact: boolean;
}

/** The error code beside the reason: the stack's problem and labdrill's look different at a glance. */
export function errorCodeTag(check: CheckResult): string {
  return typeof check.errorCode === 'string'
    ? ` <code class="code" title="error code">${safeText(check.errorCode, 40)}</code>`
    : '';
}

export function checkSection(check: CheckResult, options: SectionOptions): string {
  const verdict = verdictOf(check);
  const duration = finiteNumber(check.durationMs);
  const budget = finiteNumber(check.budgetS);
  const needs = Array.isArray(check.needs) ? check.needs.slice(0, 8).join(', ') : '';
  const head = [
    `<section class="check ${verdict}" id="${options.anchor}">`,
    '<header>',
    verdictBadge(verdict),
    `<h3>${safeText(check.title, 200)}</h3>`,
    `<code class="id">${safeText(check.id, 120)}</code>`,
    `<span class="meta">${safeText(check.kind, 20)}${needs ? ` · needs ${safeText(needs, 80)}` : ''}${duration === null ? '' : ` · ${escapeHtml(formatDuration(duration))}`}${budget === null ? '' : ` of its ${escapeHtml(formatDuration(budget * 1000))} budget`}</span>`,
    '</header>',
    `<p class="reason">${safeText(check.reason, 1_000)}${errorCodeTag(check)}</p>`,
    check.fix && verdict !== 'pass'
      ? `<p class="fix"><strong>Fix:</strong> ${safeText(check.fix, 1_000)}</p>`
      : '',
  ].join('');
  if (options.compact) {
    return `${head}<p class="muted">Evidence not shown here to keep this page small: see report.json.</p></section>`;
  }
  const charts = chartsForCheck(check, options.nextChartId)
    .map((chart) =>
      chart.svg
        ? `<figure>${chart.svg}<figcaption>${safeText(chart.caption, 600)}</figcaption></figure>`
        : `<p class="muted small">${safeText(chart.caption, 600)}</p>`,
    )
    .join('');
  return [
    head,
    charts,
    measurementsTable(check),
    timelineTable(check),
    excerpts(check),
    notes(check),
    rawData(check),
    '</section>',
  ].join('');
}
