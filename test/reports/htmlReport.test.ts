import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckResult, type Evidence, emptyEvidence, type RunReport } from '../../reports/evidence.ts';
import { downsampleMinMax } from '../../reports/html/downsample.ts';
import { cleanLine, escapeHtml } from '../../reports/html/htmlText.ts';
import { pageBudget, renderReportHtml, writeReportHtml } from '../../reports/html/reportHtml.ts';
import { buildRunReport } from '../../reports/runReport.ts';
import { labdrill, readReport } from '../e2e/labdrillCommand.ts';

// report.html treats every text of a report as hostile, stays small for any report, and shows the
// pictures a person needs: target distribution, sample distributions, drill timelines, time series.

// ---- a strict reader of the markup the page is allowed to have ----------------------------------

const allowedTags = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'main',
  'header',
  'footer',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'div',
  'span',
  'strong',
  'code',
  'pre',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'details',
  'summary',
  'figure',
  'figcaption',
  'svg',
  'g',
  'rect',
  'line',
  'circle',
  'path',
  'text',
  'tspan',
  'desc',
]);
const voidTags = new Set(['meta']);
const allowedAttributes = new Set([
  'lang',
  'charset',
  'http-equiv',
  'content',
  'name',
  'class',
  'id',
  'href',
  'style',
  'role',
  'aria-label',
  'aria-labelledby',
  'xmlns',
  'viewBox',
  'width',
  'height',
  'x',
  'y',
  'x1',
  'y1',
  'x2',
  'y2',
  'cx',
  'cy',
  'r',
  'rx',
  'd',
  'dy',
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linejoin',
  'text-anchor',
  'font-weight',
  'transform',
]);

interface Markup {
  tags: { name: string; attributes: Record<string, string> }[];
  texts: string[];
}

/**
 * Reads the page as a well-formed tree: every tag is one the page uses, every attribute is known and
 * quoted, every element closes in order, and text holds no raw '<' or bare '&'. Anything injected
 * from a report (a <script>, an onload=, a stray </svg>) breaks one of these rules.
 */
function readMarkup(html: string): Markup {
  const tags: Markup['tags'] = [];
  const texts: string[] = [];
  const open: string[] = [];
  let at = 0;
  const doctype = '<!DOCTYPE html>';
  if (!html.startsWith(doctype)) throw new Error('no doctype');
  at = doctype.length;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const text = html.slice(at, lt === -1 ? html.length : lt);
    if (/&(?!(amp|lt|gt|quot|#39);)/.test(text)) throw new Error(`bare & in text: ${text.slice(0, 80)}`);
    if (text.includes('>')) throw new Error(`raw > in text: ${text.slice(0, 80)}`);
    texts.push(text);
    if (lt === -1) break;
    const gt = html.indexOf('>', lt);
    if (gt === -1) throw new Error('unclosed tag');
    const raw = html.slice(lt + 1, gt);
    if (raw.startsWith('/')) {
      const name = raw.slice(1);
      const expected = open.pop();
      if (name !== expected) throw new Error(`</${name}> closes <${expected}>`);
      at = gt + 1;
      continue;
    }
    const selfClosing = raw.endsWith('/');
    const body = selfClosing ? raw.slice(0, -1) : raw;
    const match = /^([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9-]*="[^"<>]*")*)\s*$/.exec(body);
    if (!match) throw new Error(`malformed tag: <${raw.slice(0, 120)}>`);
    const name = match[1]!;
    if (!allowedTags.has(name)) throw new Error(`unexpected tag <${name}>`);
    const attributes: Record<string, string> = {};
    for (const a of match[2]!.matchAll(/([a-zA-Z][a-zA-Z0-9-]*)="([^"]*)"/g)) {
      if (!allowedAttributes.has(a[1]!)) throw new Error(`unexpected attribute ${a[1]} on <${name}>`);
      attributes[a[1]!] = a[2]!;
    }
    tags.push({ name, attributes });
    at = gt + 1;
    if (name === 'style') {
      // CSS is the page's own; skip to its end tag.
      const end = html.indexOf('</style>', at);
      if (end === -1) throw new Error('unclosed style');
      at = end + '</style>'.length;
      continue;
    }
    if (!selfClosing && !voidTags.has(name)) open.push(name);
  }
  if (open.length > 0) throw new Error(`unclosed: ${open.join(' > ')}`);
  return { tags, texts };
}

// ---- reports to render -------------------------------------------------------------------------

function check(
  id: string,
  verdict: CheckResult['verdict'],
  evidence: Partial<Evidence> = {},
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id,
    title: `title of ${id}`,
    kind: 'probe',
    needs: ['http'],
    verdict,
    reason: `reason of ${id}`,
    startedAt: new Date(0).toISOString(),
    durationMs: 1234,
    evidence: { ...emptyEvidence(), ...evidence },
    ...extra,
  };
}

function runReport(checks: CheckResult[], faults: string[] | null = null): RunReport {
  return buildRunReport(checks, {
    version: '0.1.0',
    stackName: 'lab',
    region: 'ap-northeast-2',
    stackFile: '/tmp/stack.yaml',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    endedAt: new Date('2026-01-02T03:04:47Z'),
    only: null,
    chaos: true,
    twinFaults: faults,
    order: checks.map((c) => c.id),
  });
}

const hostile = [
  '<script>alert(1)</script>',
  '"><img src=x onload=alert(2)>',
  "' onmouseover='alert(3)",
  '</svg><script>alert(4)</script>',
  '</title></desc><script>alert(5)</script>',
  'javascript:alert(6)',
  '\u0000\u0007\u001b[31mred\u009b\u202eevil\u2066',
  '&amp; &lt; & &#x3c;',
].join(' ');

function hostileReport(): RunReport {
  const huge = `${'<b onclick=x>'.repeat(100_000)}`;
  const bigSeries = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 50) * 100 + 200);
  const flapping = Array.from({ length: 100_000 }, (_, i) => (i % 1000 < 100 ? 0 : 1));
  const offsets = Array.from({ length: 100_000 }, (_, i) => i * 10 - 5000);
  const evidence: Evidence = {
    parts: Array.from({ length: 300 }, (_, i) => ({
      name: `${hostile} ${i}`,
      passed: i % 2 === 0,
      detail: hostile,
    })),
    measurements: Array.from({ length: 1_000 }, (_, i) => ({
      name: `${hostile} ${i}`,
      value: i,
      unit: hostile,
      note: hostile,
    })),
    excerpts: Array.from({ length: 50 }, () => ({
      label: hostile,
      method: hostile,
      url: 'javascript:alert(document.cookie)',
      status: 200,
      headers: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${hostile}${i}`, huge])),
      body: huge,
      bodyTruncated: false,
      note: hostile,
    })),
    timeline: Array.from({ length: 10_000 }, (_, i) => ({ atMs: i, label: hostile, detail: huge })),
    samples: [
      { name: hostile, unit: 'ms', values: bigSeries },
      { name: `${hostile} time from the ${hostile}`, unit: 'ms', values: offsets },
      { name: `${hostile} ok (1) / failed (0)`, unit: 'bool', values: flapping },
      { name: hostile, unit: hostile, values: bigSeries },
      ...Array.from({ length: 300 }, (_, i) => ({ name: hostile, unit: `u${i}`, values: bigSeries })),
    ],
    notes: Array.from({ length: 1_000 }, () => huge),
    data: {
      distribution: Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`${hostile}${i}`, i])),
      zoneOfInstance: { [`${hostile}1`]: hostile },
      targetHealth: [{ id: hostile }],
      blob: huge,
    },
  };
  const seriesOnly: Partial<Evidence> = {
    samples: [
      evidence.samples[0]!,
      { name: '<b>w</b> time from the </svg><script>x</script>', unit: 'ms', values: offsets },
      { name: '<b>w</b> ok (1) / failed (0)', unit: 'bool', values: flapping },
      evidence.samples[3]!,
    ],
    excerpts: [{ label: hostile, url: 'javascript:alert(document.cookie)', status: 500, body: hostile }],
    timeline: evidence.timeline.slice(0, 100).map((e) => ({ ...e, detail: hostile })),
    data: { distribution: evidence.data.distribution!, zoneOfInstance: evidence.data.zoneOfInstance! },
  };
  const checks = [
    check('hostile.series', 'fail', seriesOnly, {
      kind: 'drill',
      title: hostile,
      reason: hostile,
      fix: hostile,
    }),
    check('hostile.probe', 'fail', evidence, { title: hostile, reason: hostile, fix: hostile }),
    check('hostile.drill', 'error', evidence, { kind: 'drill', title: hostile, reason: huge, fix: huge }),
    ...Array.from({ length: 60 }, (_, i) =>
      check(`hostile.${i}`, 'fail', evidence, { title: hostile, reason: hostile }),
    ),
  ];
  const report = runReport(checks, [hostile]);
  report.stack.name = hostile;
  report.stack.file = huge;
  return report;
}

// ---- tests -------------------------------------------------------------------------------------

describe('report.html text safety', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('drops control and bidi characters and cuts long text', () => {
    const line = cleanLine('a\u0000b\u001bc\u202ed\ne\u0085', 100);
    // Finding control characters is the point.
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(line).toContain('a');
    const cut = cleanLine('x'.repeat(10_000), 50);
    expect(cut.length).toBeLessThan(100);
    expect(cut).toContain('more characters cut');
  });

  it('keeps the extremes when it thins a series', () => {
    const points = Array.from({ length: 100_000 }, (_, i) => ({
      x: i,
      y: i === 77_777 ? 1e6 : i === 33_333 ? -1e6 : 1,
    }));
    const thin = downsampleMinMax(points, 400);
    expect(thin.length).toBeLessThanOrEqual(400);
    expect(thin.some((p) => p.y === 1e6)).toBe(true);
    expect(thin.some((p) => p.y === -1e6)).toBe(true);
    expect(thin.map((p) => p.x)).toEqual([...thin.map((p) => p.x)].sort((a, b) => a - b));
  });
});

describe('report.html from hostile report data', () => {
  const report = hostileReport();
  const html = renderReportHtml(report);

  it('renders as well-formed markup with no injected tags, attributes or links', () => {
    const markup = readMarkup(html);
    // The only links are the page's own anchors.
    const hrefs = markup.tags.flatMap((t) => (t.attributes.href === undefined ? [] : [t.attributes.href]));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^#check-\d+$/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(markup.tags.filter((t) => Object.keys(t.attributes).some((a) => a.startsWith('on')))).toEqual([]);
    // The hostile text is there, as text.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;/svg&gt;&lt;script&gt;');
    expect(html).toContain('javascript:alert(document.cookie)');
  });

  it('carries no control or bidi-override characters', () => {
    expect(html).not.toMatch(
      // Finding control characters is the point.
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
    );
  });

  it('forbids scripts and fetches through its Content-Security-Policy', () => {
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'`,
    );
  });

  it('stays under 2 MiB with huge bodies, 100k-point series and many checks', () => {
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
  });

  it('lists every check, even when the page is out of room for their evidence', () => {
    for (let i = 1; i <= report.checks.length; i += 1) expect(html).toContain(`href="#check-${i}"`);
    const sections = html.match(/<section class="check /g) ?? [];
    expect(sections.length).toBe(report.checks.length);
    expect(html).toContain('Evidence not shown here to keep this page small');
  });

  it('charts 100k-point series with a bounded number of marks', () => {
    const firstSection = html.slice(html.indexOf('id="check-1"'), html.indexOf('id="check-2"'));
    expect(firstSection).toContain('Timeline of 100 events');
    expect(firstSection).toContain('Requests per target');
    expect(firstSection).toContain(
      'Probe results relative to the &lt;/svg&gt;&lt;script&gt;x&lt;/script&gt;',
    );
    expect(firstSection).toMatch(/100,000 samples from/);
    const marks = firstSection.match(/<(circle|line|rect) /g) ?? [];
    expect(marks.length).toBeGreaterThan(100);
    expect(marks.length).toBeLessThan(3_000);
    expect(Buffer.byteLength(firstSection)).toBeLessThan(pageBudget.maxSection);
  });
});

describe('report.html pictures and summary', () => {
  const roundRobin = check(
    'alb.round-robin',
    'fail',
    {
      samples: [{ name: 'serving latency', unit: 'ms', values: [12, 15, 11, 40, 13] }],
      data: {
        distribution: { 'i-aaa': 200 },
        zoneOfInstance: { 'i-aaa': 'ap-northeast-2a' },
        targetHealth: [
          { id: 'i-aaa', state: 'healthy' },
          { id: 'i-bbb', state: 'healthy' },
        ],
      },
    },
    { fix: 'register targets in both AZs' },
  );
  const speedup = check('cf.speedup', 'pass', {
    samples: [
      { name: 'S3 website TTFB', unit: 'ms', values: [60, 70, 65, 90] },
      { name: 'CloudFront TTFB', unit: 'ms', values: [20, 25, 22, 30] },
    ],
  });
  const failover = check(
    'rds.failover.drill',
    'pass',
    {
      timeline: [
        { atMs: 10, label: 'steady state: met' },
        { atMs: 1900, label: 'failover requested' },
        { atMs: 5000, label: 'writes down', detail: 'back +1.6 s' },
      ],
      samples: [
        { name: 'write ok (1) / failed (0)', unit: 'bool', values: [1, 1, 0, 0, 1] },
        { name: 'write time from the failover call', unit: 'ms', values: [-200, -100, 0, 100, 200] },
        { name: 'TCP connect ok (1) / failed (0)', unit: 'bool', values: [1, 0, 1] },
      ],
    },
    { kind: 'drill' },
  );
  const scaleOut = check(
    'asg.scale-out.drill',
    'error',
    {
      timeline: [
        { atMs: 0, label: 'load: start' },
        { atMs: 3000, label: 'scale-out: alarm' },
      ],
      samples: [
        { name: 'requests per second', unit: 'req/s', values: [100, 200, 300] },
        { name: 'desired capacity', unit: 'instances', values: [2, 4, 4] },
        { name: 'InService', unit: 'instances', values: [2, 2, 4] },
        { name: 'errors', unit: 'count', values: [0, 0, 0] },
      ],
    },
    { kind: 'drill', reason: 'the group did not scale' },
  );
  const checks = [
    roundRobin,
    speedup,
    failover,
    scaleOut,
    check('s3.website.public-read', 'pass'),
    check('net.routes', 'pass'),
    check('asg.scale-in.observe', 'skip'),
    check('aurora.failover.drill', 'skip'),
  ];
  const html = renderReportHtml(runReport(checks, ['alb-sticky']));

  it('is well-formed', () => {
    expect(() => readMarkup(html)).not.toThrow();
  });

  it('counts verdicts from the checks, with no pass-rate score (it would reward skipped sections)', () => {
    expect(html).toContain('4 passed, 1 failed, 1 errored, 2 skipped');
    expect(html).toContain('no rubric, so no score');
    expect(html).not.toMatch(/% of the checks/);
    expect(html).toContain('aria-label="4 passed, 1 failed, 1 errored, 2 skipped"');
  });

  it('puts failed and errored checks first, with reason and fix', () => {
    const attention = html.slice(html.indexOf('Needs attention'), html.indexOf('All checks'));
    expect(attention).toContain('Needs attention: 2 checks');
    expect(attention).toContain('alb.round-robin');
    expect(attention).toContain('register targets in both AZs');
    expect(attention).toContain('the group did not scale');
    expect(attention).not.toContain('cf.speedup');
  });

  it('shows the run facts: stack, time, duration, version, twin faults', () => {
    expect(html).toContain('labdrill report: lab');
    expect(html).toContain('2026-01-02 03:04:05 UTC');
    expect(html).toContain('42.0 s');
    expect(html).toContain('<dt>labdrill</dt><dd>0.1.0</dd>');
    expect(html).toContain('<dt>twin faults</dt><dd>alb-sticky</dd>');
  });

  it('draws the target distribution with a zero bar for a target that served nothing', () => {
    expect(html).toContain('Requests per target, colored by Availability Zone');
    expect(html).toContain('i-bbb (AZ not known): 0 requests');
    expect(html).toContain('even share 100');
  });

  it('draws sample distributions side by side, with an axis named by what they measure', () => {
    expect(html).toContain('Distribution of S3 website TTFB vs CloudFront TTFB');
    expect(html).toContain('TTFB (ms)');
    expect(html).toContain('Distribution of serving latency');
  });

  it('draws a drill timeline, up/down lanes around the failover call, and time series', () => {
    expect(html).toContain('Timeline of 3 events since the check started');
    expect(html).toContain('Probe results relative to the failover call');
    expect(html).toContain('write: 3 ok, 2 failed, down from -0 to 0.2'.replace('-0', '0'));
    expect(html).toContain('Probe results in sample order');
    expect(html).toContain('requests per second (req/s)');
    expect(html).toContain('desired capacity, InService (instances)');
    expect(html).toContain('errors: 0 count throughout (3 samples), not charted.');
  });

  it('gives every chart an accessible title and description', () => {
    const charts = html.match(/<svg [^>]*>/g) ?? [];
    expect(charts.length).toBe(9);
    for (const svg of charts)
      expect(svg).toMatch(/role="img" aria-labelledby="chart-\d+-title chart-\d+-desc"/);
    expect((html.match(/<title id="chart-/g) ?? []).length).toBe(9);
    expect((html.match(/<desc id="chart-/g) ?? []).length).toBe(9);
  });
});

describe('report.html of a real demo run', () => {
  let out: string;
  let report: RunReport;
  let code: number;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'labdrill-html-'));
    const only = [
      'alb.round-robin',
      'cf.speedup',
      'cf.cache.hit',
      'rds.failover.drill',
      's3.website.public-read',
    ];
    const result = await labdrill(['demo', '--chaos', '--only', only.join(','), '--out', out], {
      timeoutMs: 110_000,
    });
    code = result.code;
    report = readReport(out, result);
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('writes DIR/report.html as well-formed markup with every check and its charts', async () => {
    expect([0, 1]).toContain(code);
    const path = await writeReportHtml(report, out);
    expect(path).toBe(join(out, 'report.html'));
    const html = readFileSync(path, 'utf8');
    readMarkup(html);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    for (const c of report.checks) expect(html).toContain(`<code class="id">${escapeHtml(c.id)}</code>`);
    expect(html).toContain('Requests per target, colored by Availability Zone');
    expect(html).toContain('Distribution of S3 website TTFB vs CloudFront TTFB');
    const failover = report.checks.find((c) => c.id === 'rds.failover.drill');
    if (failover && failover.verdict !== 'skip' && failover.evidence.timeline.length >= 2) {
      expect(html).toMatch(/Timeline of \d+ events since the check started/);
    }
  });
});
