import { describe, expect, it } from 'vitest';
import { type CheckResult, EvidenceRecorder, emptyEvidence, type RunReport } from '../../reports/evidence.ts';
import { renderJunitXml } from '../../reports/junitXml.ts';
import { buildRunReport, exitCodeFor } from '../../reports/runReport.ts';
import { checkLine, githubAnnotations } from '../../reports/terminalView.ts';

// The views of the evidence treat everything from a stack as hostile: escaped, bounded, no control codes.

function result(id: string, verdict: CheckResult['verdict'], reason: string, fix?: string): CheckResult {
  return {
    id,
    title: id,
    kind: 'probe',
    needs: ['http'],
    verdict,
    reason,
    ...(fix ? { fix } : {}),
    startedAt: new Date(0).toISOString(),
    durationMs: 12,
    evidence: emptyEvidence(),
  };
}

function report(checks: CheckResult[]): RunReport {
  return buildRunReport(checks, {
    version: '0.0.0',
    stackName: 'lab <&> "x"',
    region: null,
    stackFile: '/tmp/s.yaml',
    startedAt: new Date(0),
    endedAt: new Date(1000),
    only: null,
    chaos: false,
    twinFaults: null,
    order: ['b.check', 'a.check'],
  });
}

describe('report views', () => {
  const hostile = 'page said <script>alert(1)</script> & \u001b[31mred\u0007 "quoted"';

  it('escapes hostile text in junit.xml and drops characters XML cannot carry', () => {
    const xml = renderJunitXml(report([result('a.check', 'fail', hostile, 'fix <it>')]));
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;');
    expect(xml).not.toContain('\u001b');
    expect(xml).not.toContain('\u0007');
    expect(xml).toContain('<testsuite name="lab &lt;&amp;&gt; &quot;x&quot;"');
    expect(xml).toMatch(/<failure message="[^"]*" type="fail">/);
  });

  it('writes one testcase per check with the right element per verdict', () => {
    const xml = renderJunitXml(
      report([
        result('a.check', 'pass', 'ok'),
        result('b.check', 'skip', 'no url'),
        result('c.check', 'error', 'timeout'),
      ]),
    );
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toContain('<skipped message="no url"/>');
    expect(xml).toContain('<error message="timeout" type="error">');
    expect(xml).toContain('tests="3" failures="0" errors="1" skipped="1"');
  });

  it('keeps control characters out of the terminal', () => {
    const line = checkLine(result('a.check', 'fail', hostile, 'do \u001b[2Jthis'));
    // The view colours its own marks (ESC sequences of its own); the stack's sequences must be gone.
    expect(line).not.toContain('\u001b[31mred');
    expect(line).not.toContain('\u001b[2J');
    expect(line).not.toContain('\u0007');
  });

  it('orders checks by the catalog, counts verdicts and sets the exit code', () => {
    const run = report([result('a.check', 'pass', 'ok'), result('b.check', 'skip', 'x')]);
    expect(run.checks.map((c) => c.id)).toEqual(['b.check', 'a.check']);
    expect(run.summary).toEqual({ pass: 1, fail: 0, error: 0, skip: 1, total: 2 });
    expect(exitCodeFor(run)).toBe(0);
    expect(exitCodeFor(report([result('a.check', 'error', 'x')]))).toBe(1);
  });

  it('writes GitHub annotations only for failed and errored checks, escaped', () => {
    const lines = githubAnnotations(
      report([result('a.check', 'fail', 'line1\nline2', 'fix'), result('b.check', 'pass', 'ok')]),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=labdrill a\.check \(fail\)::line1 line2 — fix: fix$/);
  });

  it('bounds what the evidence recorder keeps', () => {
    const recorder = new EvidenceRecorder();
    recorder.excerpt({ label: 'x', body: 'a'.repeat(100_000), headers: { h: 'v'.repeat(10_000) } });
    for (let i = 0; i < 1000; i += 1) recorder.note(`note ${i}`);
    const excerpt = recorder.evidence.excerpts[0]!;
    expect(excerpt.body!.length).toBeLessThan(5_000);
    expect(excerpt.headers!.h!.length).toBeLessThan(600);
    expect(recorder.evidence.notes.length).toBe(200);
  });
});
