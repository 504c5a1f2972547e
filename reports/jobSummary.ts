import { appendFileSync } from 'node:fs';
import type { CheckResult, RunReport, Verdict } from './evidence.ts';
import type { Grade } from './grading/gradeModel.ts';
import { safeForTerminal } from './untrustedText.ts';

// The GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`, GitHub-flavoured Markdown with some HTML): the
// verdict counts, the score when a rubric graded the run, and each failed or errored check with its fix.
// Every text from the stack is escaped for HTML and for Markdown, and bounded (a step's summary may be
// at most 1 MiB).

const maxRows = 100;
const maxCell = 300;

/** Untrusted text as one inert Markdown table cell: no HTML, no Markdown syntax, no line break. */
export function markdownText(value: unknown, max = maxCell): string {
  const flat = safeForTerminal(typeof value === 'string' ? value : String(value ?? '')).trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  return cut
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~"'=:@]/g, (c) => `\\${c}`);
}

/** A code span for an id (check id, rubric name, error code): backslashes do not escape inside one, so
 * only the characters ids are made of are kept. */
export function codeSpan(value: unknown, max = 100): string {
  const text = (typeof value === 'string' ? value : '').slice(0, max).replace(/[^A-Za-z0-9._/-]/g, '?');
  return `\`${text || '?'}\``;
}

const verdictNames: Record<Verdict, string> = {
  pass: '✅ passed',
  fail: '❌ failed',
  error: '⚠️ errored',
  skip: '⏭️ skipped',
};

export function jobSummaryMarkdown(report: RunReport, grade?: Grade): string {
  const checks: CheckResult[] = Array.isArray(report.checks) ? report.checks : [];
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, error: 0, skip: 0 };
  for (const check of checks) if (Object.hasOwn(counts, check.verdict)) counts[check.verdict] += 1;
  const lines = [`## labdrill: ${markdownText(report.stack?.name, 120)}`, ''];
  if (grade) {
    if (grade.status === 'graded') {
      lines.push(`**Score: ${grade.score} / ${grade.max}** (rubric ${codeSpan(grade.rubric)})`, '');
      const lost = grade.items.filter((item) => item.max > item.points && item.max > 0);
      if (lost.length > 0) {
        lines.push('| lost | item | why |', '| ---: | --- | --- |');
        for (const item of lost.slice(0, maxRows)) {
          lines.push(
            `| −${Math.round((item.max - item.points) * 1000) / 1000} | ${markdownText(item.criterion, 120)} | ${markdownText(item.why)} |`,
          );
        }
        lines.push('');
      }
    } else {
      lines.push(
        `**Not graded** (rubric ${codeSpan(grade.rubric)}): a problem on the grader's side, not a score of 0.`,
        '',
        ...grade.reasons.slice(0, maxRows).map((reason) => `- ${markdownText(reason)}`),
        '',
      );
    }
  }
  lines.push('| verdict | checks |', '| --- | ---: |');
  for (const verdict of ['pass', 'fail', 'error', 'skip'] as const) {
    lines.push(`| ${verdictNames[verdict]} | ${counts[verdict]} |`);
  }
  lines.push('');
  const troubled = checks.filter((check) => check.verdict === 'fail' || check.verdict === 'error');
  if (troubled.length > 0) {
    lines.push(
      '### Failed and errored checks',
      '',
      '| check | verdict | why | fix |',
      '| --- | --- | --- | --- |',
    );
    for (const check of troubled.slice(0, maxRows)) {
      const code = check.errorCode ? ` ${codeSpan(check.errorCode, 40)}` : '';
      lines.push(
        `| ${codeSpan(check.id)} | ${check.verdict}${code} | ${markdownText(check.reason)} | ${check.fix ? markdownText(check.fix) : ''} |`,
      );
    }
    if (troubled.length > maxRows) lines.push('', `${troubled.length - maxRows} more in report.html.`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** Appends the summary to `$GITHUB_STEP_SUMMARY` when set; returns the file, or null outside GitHub Actions. */
export function appendJobSummary(
  report: RunReport,
  grade: Grade | undefined,
  env: NodeJS.ProcessEnv,
): string | null {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return null;
  appendFileSync(file, jobSummaryMarkdown(report, grade));
  return file;
}
