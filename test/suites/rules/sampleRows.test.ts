import { describe, expect, it } from 'vitest';
import type { SampleRow } from '../../../probes/page.ts';
import { judgeSampleRows } from '../../../suites/rules/sampleRows.ts';

const row = (id: string, name: string, address: string): SampleRow => ({ id, name, address });
const labRows = [row('1', 'KIM', 'SEOUL'), row('2', 'PARK', 'SUWON')];
const page = (source: string, rows: readonly SampleRow[] = labRows) => ({ source, rows });

describe("ec2.app.page's sample-rows part", () => {
  it('passes pages that show the same rows as the database', () => {
    const judged = judgeSampleRows({
      pages: [page('http://a/'), page('http://c/')],
      minRows: 1,
      database: { rows: labRows, truncated: false },
    });
    expect(judged.part).toEqual({
      name: 'sample-rows',
      passed: true,
      detail: 'every page shows the same 2 SAMPLE row(s), the same as table SAMPLE in the database',
    });
    expect(judged.fix).toBeUndefined();
    // Without SQL access the pages are judged on their own.
    expect(judgeSampleRows({ pages: [page('http://a/')], minRows: 2, database: null }).part.detail).toBe(
      'every page shows the same 2 SAMPLE row(s)',
    );
  });

  it('fails a page with fewer complete rows than expect.sampleRows; a row without an ADDRESS does not count', () => {
    const judged = judgeSampleRows({
      pages: [page('http://a/', [row('1', 'KIM', 'SEOUL'), row('2', 'PARK', '')])],
      minRows: 2,
      database: null,
    });
    expect(judged.part.passed).toBe(false);
    expect(judged.part.detail).toBe(
      'http://a/ shows 1 SAMPLE row(s) with a NAME and ADDRESS (and 1 without); the lab expects at least 2',
    );
    expect(judged.fix).toContain("INSERT INTO SAMPLE (NAME, ADDRESS) VALUES ('KIM', 'SEOUL');");
    // The default of one row: an empty table fails.
    expect(judgeSampleRows({ pages: [page('http://a/', [])], minRows: 1, database: null }).part.passed).toBe(
      false,
    );
  });

  it('fails pages that show different rows, naming what one lacks and adds', () => {
    const judged = judgeSampleRows({
      pages: [page('ALB → i-0a'), page('ALB → i-0c', [row('1', 'KIM', 'SEOUL'), row('7', 'LEE', 'BUSAN')])],
      minRows: 1,
      database: null,
    });
    expect(judged.part.passed).toBe(false);
    expect(judged.part.detail).toBe(
      'ALB → i-0c shows other SAMPLE rows than ALB → i-0a: it lacks ID 2 (PARK, SUWON) and adds ID 7 (LEE, BUSAN)',
    );
    expect(judged.fix).toContain('DB_SERVER in dbinfo.inc');
  });

  it('reports rows missing from the page and rows not in the database', () => {
    const database = { rows: [...labRows, row('3', 'CHOI', 'INCHEON')], truncated: false };
    const missing = judgeSampleRows({ pages: [page('http://a/')], minRows: 1, database });
    expect(missing.part.detail).toBe(
      'http://a/ does not show 1 of the 3 SAMPLE row(s) in the database: ID 3 (CHOI, INCHEON)',
    );
    expect(missing.details.database).toMatchObject({
      missingOnPage: ['ID 3 (CHOI, INCHEON)'],
      notInDatabase: [],
    });
    const extra = judgeSampleRows({
      pages: [page('http://a/', [...labRows, row('9', 'TEST', 'NOWHERE')])],
      minRows: 1,
      database: { rows: labRows, truncated: false },
    });
    expect(extra.part.detail).toBe(
      'http://a/ shows SAMPLE row(s) that are not in the database: ID 9 (TEST, NOWHERE)',
    );
    expect(extra.fix).toContain('reads another database');
    // A cut read of a large table cannot call a page row extra.
    const cut = judgeSampleRows({
      pages: [page('http://a/', [...labRows, row('9', 'TEST', 'NOWHERE')])],
      minRows: 1,
      database: { rows: labRows, truncated: true },
    });
    expect(cut.part.passed).toBe(true);
  });

  it('lists at most five rows of a difference and counts the rest', () => {
    const many = Array.from({ length: 8 }, (_, i) => row(String(i + 10), `N${i}`, `A${i}`));
    const judged = judgeSampleRows({
      pages: [page('http://a/')],
      minRows: 1,
      database: { rows: [...labRows, ...many], truncated: false },
    });
    expect(judged.part.detail).toMatch(/ID 14 \(N4, A4\) and 3 more$/);
  });

  it('leaves rows out that the page cannot show as text (index.php does not escape them)', () => {
    const planted = row('3', '<img src=x onerror=alert(1)>', 'SEOUL & CO');
    const judged = judgeSampleRows({
      pages: [page('http://a/')],
      minRows: 1,
      database: { rows: [...labRows, planted], truncated: false },
    });
    expect(judged.part.passed).toBe(true);
  });
});
