import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostilePayloads } from '../../../fixtures/twin/hostileStrings.ts';
import { buildClassSummary } from '../../../reports/grading/classSummary.ts';
import { writeSummaryFiles } from '../../../reports/grading/summaryFiles.ts';
import { labdrill, readReport } from '../../e2e/labdrillCommand.ts';
import { twinForTests } from '../../twinForTests.ts';
import { fakeGrade, writeStudentRun } from '../grading/fakeGrades.ts';
import {
  type Browser,
  chartDrawings,
  fileMagic,
  launchChromium,
  liveCode,
  openFile,
  type PageVisit,
  readPdf,
  saveScreenshot,
  savePdf,
  visibleTextWithDetailsOpen,
} from './browser.ts';

// report.html and summary.html as a person sees them: opened from a file in Debian's Chromium, offline.
// They must render without an error, ask the network for nothing, draw their charts, keep every XSS
// payload a student can plant inert (shown as text, never run), and print to a legible PDF. Each page
// leaves a screenshot and its PDF in labdrill-test-output/screenshots/ for a person to look at.

const work = mkdtempSync(join(tmpdir(), 'labdrill-pages-'));
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** What every page must do: nothing but show itself. */
function expectQuietPage(visit: PageVisit): void {
  expect(visit.consoleErrors, 'console errors').toEqual([]);
  expect(visit.pageErrors, 'uncaught page errors').toEqual([]);
  expect(visit.dialogs, 'dialogs (an alert means a payload ran)').toEqual([]);
  expect(visit.requests, 'requests other than the page itself').toEqual([visit.url]);
}

async function expectChartsDrawn(visit: PageVisit, atLeast: number): Promise<void> {
  const charts = await chartDrawings(visit.page);
  expect(charts.length).toBeGreaterThanOrEqual(atLeast);
  for (const chart of charts) {
    expect(chart.width, chart.title).toBeGreaterThan(100);
    expect(chart.height, chart.title).toBeGreaterThan(50);
    expect(chart.drawnShapes, `shapes drawn in "${chart.title}"`).toBeGreaterThan(0);
  }
}

async function keepScreenshotAndPdf(visit: PageVisit, name: string, mustContain: string): Promise<void> {
  const png = await saveScreenshot(visit.page, name);
  expect(fileMagic(png, 8).toString('hex')).toBe('89504e470d0a1a0a');
  console.log(`screenshot of ${name}: ${png}`);
  const pdf = await savePdf(visit.page, name);
  const { pages, text } = await readPdf(pdf);
  console.log(`PDF of ${name}: ${pdf} (${pages} pages, ${statSync(pdf).size} bytes)`);
  expect(pages).toBeGreaterThanOrEqual(1);
  expect(text).toContain(mustContain);
}

describe('report.html of a real run against a twin with hostile strings planted', () => {
  const lab = twinForTests({ hostileStrings: true });
  let out: string;
  let visit: PageVisit;

  beforeAll(async () => {
    out = join(work, 'run');
    const result = await labdrill(
      ['run', '--config', lab.twin.stackFile, '--rubric', 'lamp-alb-efs', '--out', out],
      {
        env: lab.twin.awsEnv,
        timeoutMs: 150_000,
      },
    );
    // A failed check is the stack's business (the payload makes an instance id odd); the run itself must work.
    expect([0, 1], result.explain()).toContain(result.code);
    readReport(out, result);
    visit = await openFile(browser, join(out, 'report.html'));
  }, 240_000);

  it('renders with no error, no dialog and no request but the file itself', () => {
    expectQuietPage(visit);
  });

  it('draws every chart', async () => {
    await expectChartsDrawn(visit, 2);
  });

  it('keeps the payloads from the instance id, the response header and the SAMPLE row as visible text', async () => {
    expect(await liveCode(visit.page)).toEqual([]);
    const text = await visibleTextWithDetailsOpen(visit.page);
    expect(text).toContain(hostilePayloads.instanceIdSuffix);
    expect(text).toContain(hostilePayloads.header.value);
    // The student's page prints its rows escaped, so the report shows that page's source: either form is text.
    const row = hostilePayloads.sampleRow.name.replace(/[()]/g, '\\$&');
    const escapedRow = row.replace(/</g, '&lt;').replace(/>/g, '&gt;');
    expect(text).toMatch(new RegExp(`${row}|${escapedRow}`));
    expect(await visit.page.title()).toBe(`labdrill: ${lab.twin.stack.name}`);
    expect(visit.dialogs).toEqual([]);
  });

  it('leaves a screenshot and prints to a PDF that holds the stack name', async () => {
    await keepScreenshotAndPdf(visit, 'report', lab.twin.stack.name);
    expectQuietPage(visit);
  }, 120_000);
});

const hostileNames = ['<img src=x onerror=alert(1)>', '</title><script>alert(2)</script>'] as const;

describe('summary.html of a class with hostile display names', () => {
  let visit: PageVisit;
  const course = 'Cloud Basics 2026 <b>spring</b>';

  beforeAll(async () => {
    const out = join(work, 'class');
    const students = [
      { id: 's001', name: hostileNames[0] },
      { id: 's002', name: hostileNames[1] },
      { id: 's003', name: 'Kim Minji' },
      { id: 's004', name: '박지훈' },
      { id: 's005', name: '=HYPERLINK("http://127.0.0.1:9/","x")' },
      { id: 's006', name: 'Never Graded' },
    ];
    const items = (alb: number, s3: number, efs: number) => [
      { check: 'alb.round-robin', points: alb, max: 5 },
      { check: 's3.website.public-read', points: s3, max: 3 },
      { check: 'efs.shared', points: efs, max: 4 },
    ];
    writeStudentRun(out, 's001', fakeGrade({ at: '2026-03-01T09:00:00.000Z', items: items(2, 3, 0) }));
    writeStudentRun(out, 's001', fakeGrade({ at: '2026-03-02T09:00:00.000Z', items: items(5, 3, 4) }));
    writeStudentRun(out, 's002', fakeGrade({ at: '2026-03-02T09:10:00.000Z', items: items(3, 0, 4) }));
    writeStudentRun(out, 's003', fakeGrade({ at: '2026-03-02T09:20:00.000Z', items: items(5, 3, 0) }));
    writeStudentRun(out, 's004', fakeGrade({ at: '2026-03-02T09:30:00.000Z', items: items(0, 3, 4) }));
    writeStudentRun(
      out,
      's005',
      fakeGrade({
        at: '2026-03-02T09:40:00.000Z',
        status: 'not-graded',
        reasons: [
          'alb.round-robin: aws.access-denied: the grader role may not call elasticloadbalancing:DescribeTargetHealth <script>alert(3)</script>',
        ],
        items: [
          { check: 'alb.round-robin', points: 0, max: 5, status: 'not-graded' },
          ...items(0, 3, 4).slice(1),
        ],
      }),
    );
    const summary = buildClassSummary({
      outDir: out,
      course,
      rubric: 'lamp-alb-efs',
      students,
      generatedAt: '2026-03-10T08:00:00.000Z',
    });
    const files = writeSummaryFiles(out, summary);
    visit = await openFile(browser, files.html);
  }, 120_000);

  it('renders with no error, no dialog and no request but the file itself', () => {
    expectQuietPage(visit);
  });

  it('draws the score distribution', async () => {
    await expectChartsDrawn(visit, 1);
    const bars = await visit.page.$$eval('svg.chart rect', (rects) => rects.length);
    // 12/12, 7/12, 8/12, 7/12: three bins hold a student.
    expect(bars).toBe(3);
  });

  it('shows the hostile display names and reasons as text and runs none of them', async () => {
    expect(await liveCode(visit.page)).toEqual([]);
    const text = await visibleTextWithDetailsOpen(visit.page);
    for (const name of hostileNames) expect(text).toContain(name);
    expect(text).toContain('<script>alert(3)</script>');
    expect(text).toContain('Cloud Basics 2026 <b>spring</b>');
    expect(await visit.page.title()).toBe(`labdrill class summary: ${course}`);
    const links = await visit.page.$$eval('a[href]', (anchors) => anchors.map((a) => a.getAttribute('href')));
    expect(new Set(links)).toEqual(
      new Set(['#not-graded', ...['s001', 's002', 's003', 's004', 's005'].map((id) => `${id}/report.html`)]),
    );
  });

  it('leaves a screenshot and prints to a PDF that holds the course name', async () => {
    await keepScreenshotAndPdf(visit, 'summary', 'Cloud Basics 2026');
    expectQuietPage(visit);
  }, 120_000);
});

describe('the page recorder', () => {
  // The assertions above are only as good as what records them: a page that does every forbidden thing.
  it('catches a request, a dialog, a console error and a page error', async () => {
    const file = join(work, 'misbehaving.html');
    writeFileSync(
      file,
      [
        '<!DOCTYPE html><title>misbehaving</title>',
        '<img src="http://127.0.0.1:9/pixel.png">',
        '<script>alert("ran"); console.error("logged"); throw new Error("thrown");</script>',
      ].join('\n'),
    );
    const bad = await openFile(browser, file);
    await expect.poll(() => bad.requests.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(bad.requests).toContain('http://127.0.0.1:9/pixel.png');
    expect(bad.dialogs).toEqual(['ran']);
    expect(bad.consoleErrors).toContain('logged');
    expect(bad.pageErrors).toEqual(['thrown']);
    expect(await liveCode(bad.page)).toEqual(['<img>', '<script>']);
    await bad.page.close();
  }, 60_000);
});
