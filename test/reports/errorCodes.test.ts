import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingVerdicts } from '../../cli/missingVerdicts.ts';
import { settingsFor } from '../../config/settings.ts';
import { AwsProbeError } from '../../probes/aws/awsCall.ts';
import { DnsProbeError } from '../../probes/dnsProbeError.ts';
import { errorCodeOf } from '../../probes/errorClassification.ts';
import { ExecError } from '../../probes/exec/transport.ts';
import { HttpProbeError } from '../../probes/http.ts';
import { SqlProbeError } from '../../probes/sql.ts';
import { CodedError, errorCodes, isErrorCode, isHarnessSide } from '../../reports/errorCodes.ts';
import { type CheckResult, emptyEvidence } from '../../reports/evidence.ts';
import { renderJunitXml } from '../../reports/junitXml.ts';
import { buildRunReport, exitCodeFor } from '../../reports/runReport.ts';
import { checkLine } from '../../reports/terminalView.ts';
import { catalog, catalogEntry } from '../../suites/catalog.ts';

// Every error and skip carries a code from one catalogue; errors are classified from the probes' own error
// kinds; checks that reached no verdict become error records; the views show the code beside the reason.

describe('error codes', () => {
  it('has the codes the design names, each with its side and a sentence', () => {
    for (const code of [
      'aws.access-denied',
      'aws.throttled',
      'aws.unreachable',
      'net.timeout',
      'net.refused',
      'net.dns',
      'sql.auth',
      'exec.unavailable',
      'budget-exceeded',
      'interrupted',
      'rollback-failed',
      'config.missing',
      'internal',
    ]) {
      expect(isErrorCode(code), code).toBe(true);
    }
    for (const entry of Object.values(errorCodes)) expect(entry.meaning).toMatch(/^\S.{20,}\.$/);
    // A grader's role, AWS's limits and labdrill's own failures are never the student's fault.
    expect(
      ['aws.access-denied', 'aws.throttled', 'budget-exceeded', 'internal'].every((c) =>
        isHarnessSide(c as never),
      ),
    ).toBe(true);
    expect(isHarnessSide('config.missing')).toBe(false);
    expect(isHarnessSide('net.timeout')).toBe(false);
  });

  it('classifies errors by the probes own kinds, Node codes and the cause chain', () => {
    const aws = (kind: AwsProbeError['kind']) => new AwsProbeError(kind, 'ec2:DescribeVpcs', 'x', undefined);
    expect(errorCodeOf(aws('access-denied'))).toBe('aws.access-denied');
    expect(errorCodeOf(aws('throttled'))).toBe('aws.throttled');
    expect(errorCodeOf(aws('network'))).toBe('aws.unreachable');
    expect(errorCodeOf(new HttpProbeError('timeout', 'x', 'http://a/', 1))).toBe('net.timeout');
    expect(errorCodeOf(new HttpProbeError('connect', 'x', 'http://a/', 1))).toBe('net.refused');
    expect(errorCodeOf(new DnsProbeError('malformed', 'x', 'a', '127.0.0.1'))).toBe('net.dns');
    expect(errorCodeOf(new SqlProbeError('auth', 'x', null, 'ER_ACCESS_DENIED_ERROR'))).toBe('sql.auth');
    expect(errorCodeOf(new ExecError('connect', 'x'))).toBe('exec.unavailable');
    expect(errorCodeOf(new CodedError('chaos.refused', 'refused'))).toBe('chaos.refused');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('net.refused');
    expect(errorCodeOf(new Error('wrapped', { cause: aws('throttled') }))).toBe('aws.throttled');
    expect(errorCodeOf(new TypeError('undefined is not a function'))).toBe('internal');
    expect(errorCodeOf('a string')).toBe('internal');
  });
});

describe('checks without a verdict', () => {
  const startedAt = new Date(0);
  const judged: CheckResult = {
    ...catalogEntry('cf.origin'),
    needs: ['aws'],
    verdict: 'pass',
    reason: 'ok',
    startedAt: startedAt.toISOString(),
    durationMs: 1,
    evidence: emptyEvidence(),
  };
  const expected = ['cf.origin', 'asg.scale-out.drill', 'rds.multi-az', 'dns.custom-domain'].map(
    catalogEntry,
  );

  it('become error records with the code internal and what went wrong, none left out', () => {
    const records = missingVerdicts({
      expected,
      results: [judged],
      runErrors: ['suites/dns.probes.ts: Cannot find module'],
      startedAt,
      settings: settingsFor({
        name: 's',
        budgets: { 'asg.scale-out.drill': 61, 'rds.multi-az': 62, 'dns.custom-domain': 63 },
      }),
    });
    expect(records.map((r) => [r.id, r.verdict, r.errorCode])).toEqual([
      ['asg.scale-out.drill', 'error', 'internal'],
      ['rds.multi-az', 'error', 'internal'],
      ['dns.custom-domain', 'error', 'internal'],
    ]);
    for (const record of records)
      expect(record.reason).toMatch(/never reported a verdict: suites\/dns.probes.ts: Cannot find module/);
    expect(records[0]!.title).toBe(catalogEntry('asg.scale-out.drill').title);
    expect(records.map((r) => r.budgetS)).toEqual([61, 62, 63]);

    const report = buildRunReport([judged, ...records], {
      version: '0',
      stackName: 's',
      region: null,
      stackFile: 's.yaml',
      startedAt,
      endedAt: new Date(1000),
      only: null,
      chaos: true,
      twinFaults: null,
      order: catalog.map((e) => e.id),
    });
    expect(report.checks).toHaveLength(4);
    expect(exitCodeFor(report)).toBe(1);
    const xml = renderJunitXml(report);
    expect(xml).toContain('<error message="[internal] the check never reported a verdict');
    expect(xml).toContain('type="internal"');
    expect(checkLine(records[0]!)).toContain('[internal]');
  });
});

describe('the README', () => {
  it('lists every error code with its verdicts, side and meaning, as the catalogue has them', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Error codes'), readme.indexOf('## Layout'));
    const rows = Object.entries(errorCodes).map(
      ([code, e]) =>
        `| \`${code}\` | ${e.verdicts.join(', ')} | ${e.side} | ${e.meaning.replace(/\|/g, '\\|')} |`,
    );
    expect(section.split('\n').filter((line) => line.startsWith('| `'))).toEqual(rows);
  });
});
