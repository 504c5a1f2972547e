import pc from 'picocolors';
import type { CheckResult, RunReport, Verdict } from './evidence.ts';
import { safeForTerminal } from './untrustedText.ts';

// The terminal view of the evidence: one line per check as it finishes, then a summary.
// Everything printed from a stack is stripped of control characters so it cannot steer the terminal.

const marks: Record<Verdict, string> = {
  pass: pc.green('✓ pass '),
  fail: pc.red('✗ fail '),
  error: pc.magenta('! error'),
  skip: pc.dim('- skip '),
};

export function checkLine(result: CheckResult): string {
  const seconds = `${(result.durationMs / 1000).toFixed(1)}s`;
  const code = result.errorCode ? ` ${pc.dim(`[${result.errorCode}]`)}` : '';
  const line = `${marks[result.verdict]}  ${result.id.padEnd(28)} ${safeForTerminal(result.reason)}${code} ${pc.dim(seconds)}`;
  return result.fix && result.verdict === 'fail'
    ? `${line}\n${' '.repeat(40)}${pc.yellow(`fix: ${safeForTerminal(result.fix)}`)}`
    : line;
}

export function summaryLines(report: RunReport, files: string[]): string[] {
  const { summary } = report;
  const parts = [
    pc.green(`${summary.pass} passed`),
    summary.fail ? pc.red(`${summary.fail} failed`) : `${summary.fail} failed`,
    summary.error ? pc.magenta(`${summary.error} errored`) : `${summary.error} errored`,
    `${summary.skip} skipped`,
  ];
  return [
    '',
    `${pc.bold(safeForTerminal(report.stack.name))}: ${parts.join(', ')} in ${(report.durationMs / 1000).toFixed(1)}s`,
    ...files.map((file) => pc.dim(`  wrote ${file}`)),
  ];
}

/** GitHub Actions workflow commands, so failed checks show up as annotations on the run. */
export function githubAnnotations(report: RunReport): string[] {
  const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return report.checks
    .filter((check) => check.verdict === 'fail' || check.verdict === 'error')
    .map((check) => {
      const message = check.fix ? `${check.reason} — fix: ${check.fix}` : check.reason;
      return `::error title=${escapeData(`labdrill ${check.id} (${check.verdict})`).replace(/[:,]/g, ' ')}::${escapeData(safeForTerminal(message))}`;
    });
}
