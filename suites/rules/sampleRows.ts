import type { SampleRow } from '../../probes/page.ts';
import type { CheckPart, Json } from '../../reports/evidence.ts';
import { summarize } from './ruleResult.ts';

// ec2.app.page's sample-rows part: every page shows at least the lab's number of SAMPLE rows, each with a
// NAME and an ADDRESS; every page shows the same rows; and, when labdrill can read the database, they are
// the rows of SAMPLE on the primary (none missing, none extra).

export interface PageSampleRows {
  /** Where the page came from, e.g. the URL or "ALB → i-0abc". */
  source: string;
  rows: readonly SampleRow[];
}

export interface SampleRowsInput {
  pages: readonly PageSampleRows[];
  /** The fewest complete rows each page must show (the stack file's expect.sampleRows, default 1). */
  minRows: number;
  /** SAMPLE as the primary holds it, or null when labdrill has no SQL access. */
  database: { rows: readonly SampleRow[]; truncated: boolean } | null;
}

export interface SampleRowsJudgement {
  part: CheckPart;
  /** For a failure: what to change, in the lab's words. */
  fix?: string;
  details: { [key: string]: Json };
}

/** How many rows a difference lists by name; the rest are counted. */
const listedRows = 5;

const keyOf = (row: SampleRow) => JSON.stringify([row.id, row.name, row.address]);
const complete = (row: SampleRow) => row.name !== '' && row.address !== '';
const rowText = (row: SampleRow) =>
  `ID ${row.id || '?'} (${row.name || 'no NAME'}, ${row.address || 'no ADDRESS'})`;

function listRows(rows: readonly SampleRow[]): string {
  const shown = rows.slice(0, listedRows).map(rowText).join(', ');
  return rows.length > listedRows ? `${shown} and ${rows.length - listedRows} more` : shown;
}

/** Rows in `a` that are not in `b`. */
function rowsNotIn(a: readonly SampleRow[], b: readonly SampleRow[]): SampleRow[] {
  const keys = new Set(b.map(keyOf));
  return a.filter((row) => !keys.has(keyOf(row)));
}

/**
 * A database row the page cannot show as labdrill reads it back: index.php prints values without escaping,
 * so markup or an entity in a value becomes part of the page's HTML, not text in a cell.
 */
const readableOnPage = (row: SampleRow) => ![row.id, row.name, row.address].some((v) => /[<&]/.test(v));

export function judgeSampleRows(input: SampleRowsInput): SampleRowsJudgement {
  const problems: string[] = [];
  const fixes = new Set<string>();
  const perPage = input.pages.map((page) => ({
    source: page.source,
    shown: page.rows.length,
    complete: page.rows.filter(complete).length,
  }));

  for (const page of perPage) {
    if (page.complete < input.minRows) {
      const incomplete = page.shown - page.complete;
      problems.push(
        `${page.source} shows ${page.complete} SAMPLE row(s) with a NAME and ADDRESS${incomplete > 0 ? ` (and ${incomplete} without)` : ''}; the lab expects at least ${input.minRows}`,
      );
      fixes.add(
        "insert the lab's rows into table SAMPLE (from the bastion: mysql -h <RDS endpoint> … then INSERT INTO SAMPLE (NAME, ADDRESS) VALUES ('KIM', 'SEOUL');)",
      );
    }
  }

  // Every page reads the same table, so every page must show the same rows.
  const [first, ...others] = input.pages;
  for (const page of first ? others : []) {
    const missing = rowsNotIn(first!.rows, page.rows);
    const extra = rowsNotIn(page.rows, first!.rows);
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length > 0 ? `lacks ${listRows(missing)}` : '',
        extra.length > 0 ? `adds ${listRows(extra)}` : '',
      ].filter(Boolean);
      problems.push(
        `${page.source} shows other SAMPLE rows than ${first!.source}: it ${parts.join(' and ')}`,
      );
      fixes.add(
        'every app server must read the same database: set DB_SERVER in dbinfo.inc to the RDS endpoint on each of them',
      );
    }
  }

  const database = input.database;
  let databaseDetails: Json = null;
  if (database && first) {
    const comparable = database.rows.filter(readableOnPage);
    // Rows the page could not show legibly are left out of both sides of the comparison.
    const shown = first.rows.filter(readableOnPage);
    // A cut read of a large table cannot say that a page row is extra.
    const missing = rowsNotIn(comparable, shown);
    const extra = database.truncated ? [] : rowsNotIn(shown, comparable);
    databaseDetails = {
      rows: database.rows.length,
      truncated: database.truncated,
      missingOnPage: missing.slice(0, listedRows).map(rowText),
      notInDatabase: extra.slice(0, listedRows).map(rowText),
    };
    if (missing.length > 0) {
      problems.push(
        `${first.source} does not show ${missing.length} of the ${database.rows.length} SAMPLE row(s) in the database: ${listRows(missing)}`,
      );
      fixes.add(
        "index.php must list every row of SAMPLE from the lab's RDS database (DB_SERVER and DB_DATABASE in dbinfo.inc)",
      );
    }
    if (extra.length > 0) {
      problems.push(`${first.source} shows SAMPLE row(s) that are not in the database: ${listRows(extra)}`);
      fixes.add(
        "the page reads another database than the lab's: set DB_SERVER in dbinfo.inc to the RDS endpoint",
      );
    }
  }

  const details = { minRows: input.minRows, pages: perPage, database: databaseDetails };
  if (problems.length > 0) {
    return {
      part: { name: 'sample-rows', passed: false, detail: summarize(problems) },
      fix: [...fixes].join('; '),
      details,
    };
  }
  const rows = first ? first.rows.length : 0;
  const against = database ? ', the same as table SAMPLE in the database' : '';
  return {
    part: {
      name: 'sample-rows',
      passed: true,
      detail: `every page shows the same ${rows} SAMPLE row(s)${against}`,
    },
    details,
  };
}
