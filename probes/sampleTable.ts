// Reads the lab's table SAMPLE from the database, to compare with what the app pages show. A bounded read:
// one SELECT with a row limit, on a session with connect and query deadlines; a probe never writes.

import { MAX_SAMPLE_ROWS, normalizeCellText, type SampleRow } from './page.ts';
import { type SqlSessionOptions, withSqlSession } from './sql.ts';

export interface SampleTable {
  /** The rows, in ID order, as the page would print them (normalized like a page's cells). */
  rows: SampleRow[];
  /** More rows than MAX_SAMPLE_ROWS: `rows` holds the first ones only. */
  truncated: boolean;
}

/** A column's value as PHP's echo prints it (null as nothing), normalized like a page's cell. */
function cellText(value: unknown): string {
  return value === null || value === undefined ? '' : normalizeCellText(String(value));
}

/** `SELECT ID, NAME, ADDRESS FROM SAMPLE` on the given endpoint, at most MAX_SAMPLE_ROWS rows. */
export async function readSampleTable(options: SqlSessionOptions): Promise<SampleTable> {
  // One row past the limit tells a full table from a cut one.
  const limit = MAX_SAMPLE_ROWS + 1;
  const rows = await withSqlSession(options, (session) =>
    session.select(`SELECT ID, NAME, ADDRESS FROM SAMPLE ORDER BY ID LIMIT ${limit}`),
  );
  return {
    rows: rows.slice(0, MAX_SAMPLE_ROWS).map((row) => ({
      id: cellText(row.ID),
      name: cellText(row.NAME),
      address: cellText(row.ADDRESS),
    })),
    truncated: rows.length > MAX_SAMPLE_ROWS,
  };
}
