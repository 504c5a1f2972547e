import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunReport } from './evidence.ts';
import { withoutXmlForbidden } from './untrustedText.ts';

// junit.xml for CI systems: one testcase per check, classname = lab part (the id's first segment).

const xmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function escapeXml(text: string): string {
  return withoutXmlForbidden(text).replace(/[&<>"']/g, (c) => xmlEscapes[c] ?? c);
}

export function renderJunitXml(report: RunReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = report.checks.map((check) => {
    const name = escapeXml(check.id);
    const classname = escapeXml(`labdrill.${check.id.split('.')[0]}`);
    const open = `    <testcase name="${name}" classname="${classname}" time="${seconds(check.durationMs)}">`;
    const reason = escapeXml(check.errorCode ? `[${check.errorCode}] ${check.reason}` : check.reason);
    const type = escapeXml(check.errorCode ?? check.verdict);
    const measurements = check.evidence.measurements.map((m) => `${m.name}=${m.value}${m.unit}`).join(', ');
    const details = escapeXml(
      [
        check.reason,
        check.errorCode ? `code: ${check.errorCode}` : '',
        check.fix ? `fix: ${check.fix}` : '',
        measurements ? `measured: ${measurements}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    const body: Record<typeof check.verdict, string> = {
      pass: `      <system-out>${details}</system-out>`,
      skip: `      <skipped message="${reason}"/>`,
      fail: `      <failure message="${reason}" type="fail">${details}</failure>`,
      error: `      <error message="${reason}" type="${type}">${details}</error>`,
    };
    return `${open}\n${body[check.verdict]}\n    </testcase>`;
  });
  const { summary } = report;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="labdrill" tests="${summary.total}" failures="${summary.fail}" errors="${summary.error}" skipped="${summary.skip}" time="${seconds(report.durationMs)}">`,
    `  <testsuite name="${escapeXml(report.stack.name)}" tests="${summary.total}" failures="${summary.fail}" errors="${summary.error}" skipped="${summary.skip}" time="${seconds(report.durationMs)}" timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export async function writeJunitXml(report: RunReport, outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'junit.xml');
  await writeFile(path, renderJunitXml(report));
  return path;
}
