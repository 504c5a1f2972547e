import type { Grade, GradeItem, ItemStatus } from '../grading/gradeModel.ts';
import { escapeHtml, finiteNumber, formatNumber, safeText } from './htmlText.ts';

// The grade at the top of report.html, what a student reads first: the score, a small bar per rubric
// item, and every lost point with why. A student who is not graded reads that, and why, instead of a 0.
// A grade read back from disk is untrusted like the rest of the report: every text is cleaned and escaped.

export const maxGradeItems = 200;

/** How an item's status reads on a page (report.html, summary.html). */
export const itemStatusLabels: Record<ItemStatus, string> = {
  earned: 'earned',
  partial: 'partial',
  lost: 'lost',
  'not-attempted': 'not attempted',
  'not-run': 'not run',
  'not-graded': 'not graded',
};

export const gradeStyle = `
.grade { border: 1px solid var(--line); border-radius: 6px; padding: 10px 16px; margin: 14px 0; }
.grade.not-graded { border-color: var(--error); border-left-width: 5px; }
.grade h2 { margin: 0 0 6px; border: 0; padding: 0; }
.grade .total { font-size: 28px; font-weight: 700; }
table.items td { vertical-align: middle; }
.meter { display: inline-block; width: 120px; height: 10px; border-radius: 5px; background: var(--soft);
  border: 1px solid var(--line); overflow: hidden; vertical-align: middle; }
.meter span { display: block; height: 100%; background: var(--pass); }
.meter.partial span { background: #bf8700; } .meter.uncounted { border-style: dashed; }
.state { font-size: 12px; color: var(--muted); white-space: nowrap; }
.state.lost, .state.not-graded { color: var(--fail); font-weight: 600; }
ul.lost { margin: 6px 0; padding-left: 20px; } ul.lost li { margin: 4px 0; overflow-wrap: anywhere; }
.minus { font-weight: 700; color: var(--fail); font-variant-numeric: tabular-nums; }
`;

function points(value: unknown): string {
  const number = finiteNumber(value);
  return number === null ? '?' : escapeHtml(formatNumber(number));
}

function knownStatus(value: unknown): ItemStatus {
  return typeof value === 'string' && Object.hasOwn(itemStatusLabels, value)
    ? (value as ItemStatus)
    : 'not-graded';
}

function meter(item: GradeItem): string {
  const status = knownStatus(item.status);
  const max = finiteNumber(item.max) ?? 0;
  const earned = finiteNumber(item.points) ?? 0;
  const share = max > 0 ? Math.min(1, Math.max(0, earned / max)) : 0;
  const kind = max === 0 ? ' uncounted' : status === 'partial' ? ' partial' : '';
  const label = max === 0 ? 'not counted' : `${formatNumber(earned)} of ${formatNumber(max)} points`;
  return `<span class="meter${kind}" role="img" aria-label="${escapeHtml(label)}"><span style="width:${(share * 100).toFixed(1)}%"></span></span>`;
}

/** What the student lost on an item: the item's why, then each part that earned nothing. */
function lostLine(item: GradeItem): string {
  const lost = (finiteNumber(item.max) ?? 0) - (finiteNumber(item.points) ?? 0);
  const parts = Array.isArray(item.parts)
    ? item.parts
        .filter((part) => !part.passed)
        .slice(0, 20)
        .map(
          (part) =>
            `<li><code>${safeText(part.name, 100)}</code> (${points(part.max)}): ${safeText(part.detail, 400)}</li>`,
        )
        .join('')
    : '';
  return `<li><span class="minus">−${escapeHtml(formatNumber(lost))}</span> <strong>${safeText(item.criterion, 120)}</strong> <code>${safeText(item.check, 120)}</code>: ${safeText(item.why, 600)}${parts ? `<ul>${parts}</ul>` : ''}</li>`;
}

export function gradeSection(grade: Grade): string {
  const items = Array.isArray(grade.items) ? grade.items.slice(0, maxGradeItems) : [];
  const notGraded = grade.status !== 'graded';
  const headline = notGraded
    ? `<h2>Not graded</h2><p>labdrill could not grade this stack for reasons on the grader’s side; this is not a score of 0. An instructor regrades it once the cause is fixed.</p><ul class="lost">${(Array.isArray(
        grade.reasons,
      )
        ? grade.reasons
        : []
      )
        .slice(0, 50)
        .map((reason) => `<li>${safeText(reason, 600)}</li>`)
        .join('')}</ul>`
    : `<h2>Score <span class="total">${points(grade.score)} / ${points(grade.max)}</span></h2>`;

  const rows = items
    .map((item) => {
      const status = knownStatus(item.status);
      const counted = (finiteNumber(item.max) ?? 0) > 0;
      const score = counted ? `${points(item.points)} / ${points(item.max)}` : '—';
      return `<tr><td>${safeText(item.criterion, 120)}<div class="small muted"><code>${safeText(item.check, 120)}</code>${item.required ? '' : ' (optional)'}</div></td><td>${meter(item)}</td><td class="num">${score}</td><td><span class="state ${status}">${itemStatusLabels[status]}</span></td></tr>`;
    })
    .join('');

  const lostItems = items.filter((item) => {
    const status = knownStatus(item.status);
    return (
      (status === 'lost' || status === 'partial') &&
      (finiteNumber(item.max) ?? 0) > (finiteNumber(item.points) ?? 0)
    );
  });
  const lost = notGraded
    ? ''
    : lostItems.length > 0
      ? `<h3>Lost points</h3><ul class="lost">${lostItems.map(lostLine).join('')}</ul>`
      : '<p><strong>No point lost.</strong></p>';
  const uncounted = items.filter((item) => {
    const status = knownStatus(item.status);
    return status === 'not-run' || status === 'not-attempted';
  });
  const notCounted = uncounted.length
    ? `<h3>Not counted</h3><ul class="lost">${uncounted
        .map(
          (item) =>
            `<li><strong>${safeText(item.criterion, 120)}</strong> <code>${safeText(item.check, 120)}</code>: ${safeText(item.why, 600)}</li>`,
        )
        .join('')}</ul>`
    : '';

  return [
    `<section class="grade${notGraded ? ' not-graded' : ''}" id="grade">`,
    headline,
    `<p class="muted small">Rubric <code>${safeText(grade.rubric, 100)}</code>: points earned over points possible. A required item whose check was skipped scores 0; items not run on the grader’s side are not counted.</p>`,
    lost,
    notCounted,
    `<table class="items"><thead><tr><th>item</th><th></th><th>points</th><th>status</th></tr></thead><tbody>${rows}</tbody></table>`,
    '</section>',
  ].join('');
}
