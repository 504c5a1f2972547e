// Reads the lab's index.php page: the instance table (instance id, private/public IP, AZ from instance
// metadata), the database error line, and the rows of table SAMPLE; and says whether the app is up
// (judgeAppPage), the one definition every check and drill uses.
//
// The page comes from the stack, so it is untrusted: only the first MAX_EXAMINED_CHARS are looked at, every
// regular expression here has bounded repetitions and no nested quantifiers, and every value is trimmed and
// cut to MAX_VALUE_CHARS.

import { decodeHTML, DecodingMode } from 'entities';

export interface PagePatterns {
  /** Regex source with one capture group for the instance id. */
  instanceId?: string;
  /** Regex source with one capture group for the availability zone. */
  availabilityZone?: string;
  /** Regex source with one capture group for the private IP address. */
  privateIp?: string;
}

export interface SampleRow {
  id: string;
  name: string;
  address: string;
}

export interface InstancePage {
  instanceId: string | null;
  privateIp: string | null;
  publicIp: string | null;
  availabilityZone: string | null;
  dbError: string | null;
  sampleRows: SampleRow[];
}

export const MAX_EXAMINED_CHARS = 256 * 1024;
export const MAX_VALUE_CHARS = 200;
export const MAX_SAMPLE_ROWS = 1000;

/**
 * One row of the instance table as index.php prints it:
 *   <tr><td>Instance ID</td><td><i>i-0abc…</i></td><tr>
 * (the PHP closes each row with "<tr>" instead of "</tr>"; nothing after the value is required, so both
 * forms match). Attributes and whitespace between the tags are tolerated.
 */
function instanceRowPattern(label: string): string {
  return `${label}\\s{0,20}</t[dh]>\\s{0,20}<td[^>]{0,100}>\\s{0,20}<i>([^<]{0,${MAX_VALUE_CHARS * 2}})</i>`;
}

export const DEFAULT_PAGE_PATTERNS: Required<PagePatterns> = {
  instanceId: instanceRowPattern('Instance ID'),
  availabilityZone: instanceRowPattern('Availability Zone'),
  privateIp: instanceRowPattern('Private IP Address'),
};
const PUBLIC_IP_PATTERN = new RegExp(instanceRowPattern('Public IP Address'), 'i');

// "Failed to connect to MySQL: <mysqli_connect_error()>", as index.php prints it; with PHP 8.1+ mysqli throws
// instead, and the page shows "Uncaught mysqli_sql_exception: <message>".
const DB_ERROR_PATTERNS = [
  /(Failed to connect to MySQL:[^<\r\n]{0,400})/i,
  /(Uncaught mysqli_sql_exception:[^<\r\n]{0,400})/i,
];

// A row of three plain cells: the SAMPLE table (and its ID/NAME/ADDRESS header row). Cells holding markup
// (the instance table's <i>) do not match.
const SAMPLE_ROW =
  /<tr[^>]{0,100}>\s{0,100}<td[^>]{0,100}>([^<]{0,1000})<\/td>\s{0,100}<td[^>]{0,100}>([^<]{0,1000})<\/td>\s{0,100}<td[^>]{0,100}>([^<]{0,1000})<\/td>\s{0,100}<\/?tr/gi;

/**
 * A cell's text as labdrill compares it: runs of whitespace as one space, trimmed, at most MAX_VALUE_CHARS.
 * The same for a value read from the page and one read from the database, so that the two compare equal.
 */
export function normalizeCellText(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE_CHARS).trim();
}

/**
 * Entity-decoded, trimmed, at most MAX_VALUE_CHARS; null when nothing is left. Only entities closed by ";"
 * are decoded (strict mode): index.php echoes values from the database unescaped, and "&not" in a stored
 * "&nothing" must stay as stored to compare equal with the database row.
 */
function cleanValue(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const value = normalizeCellText(decodeHTML(raw, DecodingMode.Strict));
  return value === '' ? null : value;
}

/**
 * Patterns already compiled and checked, by source: a run reads hundreds of pages with the same few
 * patterns (the defaults and the stack file's). Bounded, since sources come from stack files.
 */
const compiledPatterns = new Map<string, RegExp>();
const MAX_COMPILED_PATTERNS = 64;

function compilePattern(name: string, source: string): RegExp {
  const known = compiledPatterns.get(source);
  if (known) return known;
  const pattern = checkedPattern(name, source);
  if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) compiledPatterns.clear();
  compiledPatterns.set(source, pattern);
  return pattern;
}

function checkedPattern(name: string, source: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'i');
  } catch (error) {
    throw new TypeError(
      `page pattern ${name} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  // Appending an always-matching alternative makes exec('') return one slot per capture group.
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  if (groups !== 1)
    throw new TypeError(`page pattern ${name} must have exactly one capture group, it has ${groups}`);
  return pattern;
}

function firstCapture(pattern: RegExp, text: string): string | null {
  return cleanValue(pattern.exec(text)?.[1]);
}

/** The database error the page shows ("Failed to connect to MySQL: …"), or null. */
function databaseErrorOn(text: string): string | null {
  for (const pattern of DB_ERROR_PATTERNS) {
    const found = firstCapture(pattern, text);
    if (found !== null) return found;
  }
  return null;
}

export interface AppPageVerdict {
  /** The app is up: HTTP 200 and no database error on the page. */
  healthy: boolean;
  /** Why it is not up: the database error on the page, else the HTTP status. */
  problem?: string;
}

/**
 * "The app is up", the one definition: the lab page answers 200 without the database error index.php prints
 * when it cannot reach MySQL. A page that answers but says "Failed to connect to MySQL" is not up.
 */
export function judgeAppPage(status: number, body: string): AppPageVerdict {
  const dbError = databaseErrorOn(examined(body));
  if (dbError !== null) return { healthy: false, problem: dbError };
  if (status !== 200) return { healthy: false, problem: `HTTP ${status}` };
  return { healthy: true };
}

function readSampleRows(text: string): SampleRow[] {
  // The SAMPLE table follows the "RDS Practice" heading; start there when the heading is present.
  const heading = text.search(/RDS Practice/i);
  const section = heading >= 0 ? text.slice(heading) : text;
  const rows: SampleRow[] = [];
  let sawHeader = false;
  for (const match of section.matchAll(SAMPLE_ROW)) {
    const [id, name, address] = [match[1], match[2], match[3]].map((cell) => cleanValue(cell) ?? '');
    if (
      !sawHeader &&
      id!.toUpperCase() === 'ID' &&
      name!.toUpperCase() === 'NAME' &&
      address!.toUpperCase() === 'ADDRESS'
    ) {
      sawHeader = true;
      continue;
    }
    rows.push({ id: id!, name: name!, address: address! });
    if (rows.length >= MAX_SAMPLE_ROWS) break;
  }
  return rows;
}

/** The first MAX_EXAMINED_CHARS of a page: all that is ever looked at. */
function examined(html: string): string {
  return html.length > MAX_EXAMINED_CHARS ? html.slice(0, MAX_EXAMINED_CHARS) : html;
}

/** One of the page's patterns, compiled: the stack file's, else the lab page's. */
function pagePattern(name: keyof PagePatterns, patterns: PagePatterns): RegExp {
  return compilePattern(name, patterns[name] ?? DEFAULT_PAGE_PATTERNS[name]);
}

/**
 * Only which instance served the page, and its AZ: what a sampler of hundreds of responses needs from each
 * (readInstancePage reads everything, SAMPLE rows included).
 */
export function readServingInstance(
  html: string,
  patterns: PagePatterns = {},
): Pick<InstancePage, 'instanceId' | 'availabilityZone'> {
  const text = examined(html);
  return {
    instanceId: firstCapture(pagePattern('instanceId', patterns), text),
    availabilityZone: firstCapture(pagePattern('availabilityZone', patterns), text),
  };
}

export function readInstancePage(html: string, patterns: PagePatterns = {}): InstancePage {
  const text = examined(html);
  const instanceId = pagePattern('instanceId', patterns);
  const availabilityZone = pagePattern('availabilityZone', patterns);
  const privateIp = pagePattern('privateIp', patterns);

  return {
    instanceId: firstCapture(instanceId, text),
    privateIp: firstCapture(privateIp, text),
    publicIp: firstCapture(PUBLIC_IP_PATTERN, text),
    availabilityZone: firstCapture(availabilityZone, text),
    dbError: databaseErrorOn(text),
    sampleRows: readSampleRows(text),
  };
}
