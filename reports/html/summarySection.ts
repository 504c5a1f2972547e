import type { CheckResult, RunReport, Verdict } from '../evidence.ts';
import { errorCodeTag, verdictBadge, verdictOf } from './checkSection.ts';
import { escapeHtml, finiteNumber, formatDuration, safeText } from './htmlText.ts';

// The top of the page, what a grader reads first: which stack, the grade when a rubric graded it, when,
// how long, the verdict counts, and each failed or errored check with its reason and fix. Without a rubric
// there is no score: a share of the checks that ran would reward leaving sections out of the stack file.

export const maxAttentionItems = 100;

export interface VerdictCounts extends Record<Verdict, number> {
  total: number;
}

/** Counted from the checks themselves, so the page never disagrees with what it lists. */
export function countVerdicts(checks: readonly CheckResult[]): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, fail: 0, error: 0, skip: 0, total: 0 };
  for (const check of checks) {
    counts[verdictOf(check)] += 1;
    counts.total += 1;
  }
  return counts;
}

function when(iso: unknown): string {
  const text = typeof iso === 'string' ? iso : '';
  const date = new Date(text);
  return Number.isNaN(date.getTime())
    ? safeText(text || 'unknown', 60)
    : escapeHtml(
        date
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' UTC'),
      );
}

/** `lead` is HTML shown right under the title (the grade section), already escaped. */
export function summarySection(report: RunReport, anchorOf: (index: number) => string, lead = ''): string {
  const checks = report.checks;
  const counts = countVerdicts(checks);
  const duration = finiteNumber(report.durationMs);
  const faults = report.twin && Array.isArray(report.twin.faults) ? report.twin.faults.slice(0, 50) : null;
  const only = Array.isArray(report.options?.only) ? report.options.only.slice(0, 50) : null;
  const facts: [string, string][] = [
    ['stack file', safeText(report.stack?.file, 300)],
    ['region', safeText(report.stack?.region ?? 'not set', 60)],
    ['started', when(report.startedAt)],
    ['ended', when(report.endedAt)],
    ['duration', duration === null ? 'unknown' : escapeHtml(formatDuration(duration))],
    ['labdrill', safeText(report.labdrill?.version, 40)],
    ['drills', report.options?.chaos ? 'run (--chaos)' : 'not run (no --chaos)'],
  ];
  if (only) facts.push(['only', safeText(only.join(', '), 600)]);
  if (faults) {
    facts.push([
      'twin faults',
      faults.length ? safeText(faults.join(', '), 600) : 'none (the local twin, as built)',
    ]);
  }

  const widths = (['pass', 'fail', 'error', 'skip'] as const)
    .filter((v) => counts[v] > 0)
    .map((v) => `<span class="${v}" style="width:${((counts[v] / counts.total) * 100).toFixed(2)}%"></span>`)
    .join('');
  const countsLine =
    counts.total === 0
      ? '<span class="big">no checks</span>'
      : `<span class="big">${counts.pass} passed, ${counts.fail} failed, ${counts.error} errored, ${counts.skip} skipped</span><span class="muted">of ${counts.total} checks${lead ? '' : '; no rubric, so no score (labdrill run --rubric NAME)'}</span>`;
  const countLine = (['pass', 'fail', 'error', 'skip'] as const)
    .map((v) => `<span>${verdictBadge(v)}${counts[v]}</span>`)
    .join('');

  const troubled = checks
    .map((check, index) => ({ check, index }))
    .filter(({ check }) => verdictOf(check) === 'fail' || verdictOf(check) === 'error');
  const items = troubled
    .slice(0, maxAttentionItems)
    .map(({ check, index }) => {
      const fix = check.fix
        ? `<div class="fixline"><strong>Fix:</strong> ${safeText(check.fix, 600)}</div>`
        : '';
      return `<li>${verdictBadge(verdictOf(check))}<a href="#${anchorOf(index)}"><code>${safeText(check.id, 120)}</code></a> ${safeText(check.title, 200)}<div class="why">${safeText(check.reason, 600)}${errorCodeTag(check)}</div>${fix}</li>`;
    })
    .join('');
  const more =
    troubled.length > maxAttentionItems
      ? `<p class="muted">${troubled.length - maxAttentionItems} more failed or errored checks below.</p>`
      : '';
  const attention = troubled.length
    ? `<div class="attention"><h2>Needs attention: ${troubled.length} check${troubled.length === 1 ? '' : 's'}</h2><ol>${items}</ol>${more}</div>`
    : `<div class="attention clear"><strong>Nothing failed.</strong> <span class="muted">Every check that ran passed.</span></div>`;

  return [
    '<header class="summary">',
    `<h1>labdrill report: ${safeText(report.stack?.name, 120)}</h1>`,
    lead,
    `<dl class="facts">${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`,
    `<div class="score">${countsLine}</div>`,
    `<div class="bar" role="img" aria-label="${counts.pass} passed, ${counts.fail} failed, ${counts.error} errored, ${counts.skip} skipped">${widths}</div>`,
    `<div class="counts">${countLine}<span class="muted">${counts.total} checks</span></div>`,
    attention,
    '</header>',
  ].join('');
}

export function overviewTable(
  checks: readonly CheckResult[],
  anchorOf: (index: number) => string,
  max: number,
): string {
  const rows = checks
    .slice(0, max)
    .map((check, index) => {
      const duration = finiteNumber(check.durationMs);
      return `<tr><td>${verdictBadge(verdictOf(check))}</td><td><a href="#${anchorOf(index)}"><code>${safeText(check.id, 120)}</code></a></td><td>${safeText(check.title, 200)}</td><td class="num">${duration === null ? '' : escapeHtml(formatDuration(duration))}</td></tr>`;
    })
    .join('');
  return `<h2>All checks</h2><table class="overview"><thead><tr><th>verdict</th><th>check</th><th>what it checks</th><th>time</th></tr></thead><tbody>${rows}</tbody></table>`;
}
