import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, RunReport } from '../../reports/evidence.ts';
import { catalog } from '../../suites/catalog.ts';
import { labdrill, readReport } from './labdrillCommand.ts';

// The checks' named parts, as `labdrill demo` records them in report.json: what a rubric's partial credit
// reads. The healthy twin earns every part of every check; a fault costs the parts it breaks.

const outRoot = mkdtempSync(join(tmpdir(), 'labdrill-parts-'));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

const runMs = 300_000;
const reportMarginMs = 15_000;

async function demo(name: string, args: string[]): Promise<RunReport> {
  const out = join(outRoot, name);
  const result = await labdrill(['demo', '--out', out, ...args], { timeoutMs: runMs });
  return readReport(out, result);
}

function checkOf(report: RunReport, id: string): CheckResult {
  const check = report.checks.find((c) => c.id === id);
  if (!check) throw new Error(`${id} is not in the report`);
  return check;
}

/** The check's parts as name → passed. */
const passedParts = (check: CheckResult) =>
  Object.fromEntries(check.evidence.parts.map((part) => [part.name, part.passed]));

// The twin runs drills that load its CPU: one run at a time.
describe.sequential('check parts on the twin', () => {
  it(
    'the healthy twin, drills included: every part of every check that has parts is recorded and passed',
    async () => {
      const report = await demo('healthy', ['--chaos']);
      const withParts = catalog.filter((entry) => entry.parts);
      expect(withParts.length).toBeGreaterThan(15);
      for (const entry of withParts) {
        const check = checkOf(report, entry.id);
        expect(check.verdict, `${entry.id}: ${check.reason}`).toBe('pass');
        expect(check.evidence.parts.map((p) => p.name).sort(), entry.id).toEqual([...entry.parts!].sort());
        for (const part of check.evidence.parts) {
          expect(part.passed, `${entry.id} ${part.name}: ${part.detail}`).toBe(true);
          expect(part.detail, `${entry.id} ${part.name}`).not.toBe('');
        }
      }
      // A check without parts records none.
      for (const entry of catalog.filter((e) => !e.parts)) {
        expect(checkOf(report, entry.id).evidence.parts, entry.id).toEqual([]);
      }
    },
    runMs + reportMarginMs,
  );

  it(
    'alb-sticky: alb.round-robin loses every part; ec2.app.page, reading each instance directly, loses none',
    async () => {
      const report = await demo('alb-sticky', [
        '--fault',
        'alb-sticky',
        '--only',
        'alb.round-robin,ec2.app.page',
      ]);
      const roundRobin = checkOf(report, 'alb.round-robin');
      expect(roundRobin.verdict).toBe('fail');
      expect(passedParts(roundRobin)).toEqual({
        'every-target': false,
        'both-azs': false,
        'even-shares': false,
      });
      expect(roundRobin.evidence.parts.find((p) => p.name === 'every-target')?.detail).toMatch(
        /^1 target\(s\) got no request: i-/,
      );
      const page = checkOf(report, 'ec2.app.page');
      expect(page.verdict).toBe('pass');
      expect(Object.values(passedParts(page))).toEqual([true, true, true, true]);
    },
    runMs + reportMarginMs,
  );

  it(
    's3-no-policy: no cache hit and no Age through CloudFront, and the drill earns none of its parts',
    async () => {
      const report = await demo('s3-no-policy', [
        '--fault',
        's3-no-policy',
        '--chaos',
        '--only',
        'cf.cache.hit,s3.website.deny-then-allow',
      ]);
      const cache = checkOf(report, 'cf.cache.hit');
      expect(cache.verdict).toBe('fail');
      // CloudFront still names itself in Via on its 403: that part is earned.
      expect(passedParts(cache)).toEqual({ hit: false, 'via-cloudfront': true, age: false });
      const drill = checkOf(report, 's3.website.deny-then-allow');
      expect(drill.verdict).toBe('fail');
      expect(passedParts(drill)).toEqual({
        'denied-403': false,
        'allowed-200': false,
        'policy-identical': false,
      });
      for (const part of drill.evidence.parts) {
        expect(part.detail).toBe(
          'not judged: not in its steady state before the drill: the website answers 403 before the drill, not 200',
        );
      }
    },
    runMs + reportMarginMs,
  );
});
