import { describe, expect, it } from 'vitest';
import { renderLabPage } from '../../fixtures/twin/labAppPage.ts';
import {
  judgeAppPage,
  MAX_SAMPLE_ROWS,
  MAX_VALUE_CHARS,
  normalizeCellText,
  readInstancePage,
  readServingInstance,
} from '../../probes/page.ts';

interface LabPageInput {
  instanceId: string;
  privateIp: string;
  publicIp: string;
  zone: string;
  /** mysqli_connect_error() text when the connection fails. */
  connectError?: string;
  rows?: [string, string, string][];
}

/**
 * The page exactly as the lab's index.php (seed 000, §3) prints it: PHP drops the newline right after each
 * "?>", echoes without newlines, and closes each instance-table row with "<tr>". With display_errors on, a
 * failed connection also prints PHP warnings before and after the "Failed to connect" line.
 */
function labPage(input: LabPageInput): string {
  const row = (label: string, value: string) => `<tr><td>${label}</td><td><i>${value}</i></td><tr>`;
  const instanceTable =
    '<table><tr><th>Data</th><th>Value</th></tr>' +
    row('Instance ID', input.instanceId) +
    row('Private IP Address', input.privateIp) +
    row('Public IP Address', input.publicIp) +
    row('Availability Zone', input.zone) +
    '</table>';
  const connect =
    input.connectError === undefined
      ? ''
      : `<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/1045): ${input.connectError} in <b>/var/www/html/index.php</b> on line 24<br />\n` +
        `Failed to connect to MySQL: ${input.connectError}<br />\n` +
        '<b>Warning</b>:  mysqli_select_db() expects parameter 1 to be mysqli, bool given in <b>/var/www/html/index.php</b> on line 28<br />\n';
  const rows = (input.rows ?? [])
    .map(([id, name, address]) => `<tr><td>${id}</td><td>${name}</td><td>${address}</td></tr>`)
    .join('');
  return (
    '<html>\n<body>\n<h1>Instance data</h1>\n' +
    instanceTable +
    '<h1>RDS Practice</h1>\n' +
    connect +
    '\n<!-- Display table data. -->\n<table border="1" cellpadding="2" cellspacing="2">\n  <tr>\n    <td>ID</td>\n' +
    '    <td>NAME</td>\n    <td>ADDRESS</td>\n  </tr>\n\n' +
    rows +
    '\n</table>\n\n<!-- Clean up. -->\n\n</body>\n</html>\n'
  );
}

describe('readInstancePage', () => {
  it('reads a healthy page', () => {
    const page = readInstancePage(
      labPage({
        instanceId: 'i-0a1b2c3d4e5f67890',
        privateIp: '10.1.3.25',
        publicIp: '',
        zone: 'ap-northeast-2a',
        rows: [
          ['1', 'kim', 'Seoul'],
          ['2', 'lee', 'Busan'],
        ],
      }),
    );
    expect(page).toEqual({
      instanceId: 'i-0a1b2c3d4e5f67890',
      privateIp: '10.1.3.25',
      publicIp: null, // private instances have no public-ipv4 in the metadata: an empty <i></i>
      availabilityZone: 'ap-northeast-2a',
      dbError: null,
      sampleRows: [
        { id: '1', name: 'kim', address: 'Seoul' },
        { id: '2', name: 'lee', address: 'Busan' },
      ],
    });
  });

  it('reads the public IP of a public instance and a page with an empty SAMPLE table', () => {
    const page = readInstancePage(
      labPage({ instanceId: 'i-1', privateIp: '10.1.1.10', publicIp: '3.35.1.2', zone: 'ap-northeast-2c' }),
    );
    expect(page.publicIp).toBe('3.35.1.2');
    expect(page.availabilityZone).toBe('ap-northeast-2c');
    expect(page.sampleRows).toEqual([]);
  });

  it('reports the database error', () => {
    const error = "Access denied for user 'admin'@'10.1.3.25' (using password: YES)";
    const page = readInstancePage(
      labPage({
        instanceId: 'i-2',
        privateIp: '10.1.4.7',
        publicIp: '',
        zone: 'ap-northeast-2c',
        connectError: error,
      }),
    );
    expect(page.dbError).toBe(`Failed to connect to MySQL: ${error}`);
    expect(page.instanceId).toBe('i-2');
    expect(page.sampleRows).toEqual([]);
  });

  it('reports an uncaught mysqli exception (PHP 8.1+)', () => {
    const html =
      '<h1>RDS Practice</h1>\n<br />\n<b>Fatal error</b>:  Uncaught mysqli_sql_exception: ' +
      'php_network_getaddresses: getaddrinfo for lab-db failed in /var/www/html/index.php:23';
    expect(readInstancePage(html).dbError).toBe(
      'Uncaught mysqli_sql_exception: php_network_getaddresses: getaddrinfo for lab-db failed in /var/www/html/index.php:23',
    );
  });

  it('returns nulls for a page that is not the lab page', () => {
    expect(readInstancePage('<html><body>It works!</body></html>')).toEqual({
      instanceId: null,
      privateIp: null,
      publicIp: null,
      availabilityZone: null,
      dbError: null,
      sampleRows: [],
    });
  });

  it('uses custom patterns', () => {
    const html = '<p>served by <b>web-a</b> in zone <span class="az">us-east-1b</span> at 172.16.0.9</p>';
    const page = readInstancePage(html, {
      instanceId: 'served by <b>([^<]{1,64})</b>',
      availabilityZone: 'zone <span class="az">([a-z0-9-]{1,40})</span>',
      privateIp: 'at (\\d{1,3}(?:\\.\\d{1,3}){3})',
    });
    expect(page.instanceId).toBe('web-a');
    expect(page.availabilityZone).toBe('us-east-1b');
    expect(page.privateIp).toBe('172.16.0.9');
  });

  it('rejects custom patterns that are invalid or do not have exactly one group', () => {
    expect(() => readInstancePage('', { instanceId: '(' })).toThrow(/not a valid regular expression/);
    expect(() => readInstancePage('', { instanceId: 'no group' })).toThrow(/exactly one capture group/);
    expect(() => readInstancePage('', { privateIp: '(a)(b)' })).toThrow(/exactly one capture group/);
  });

  it('decodes entities and bounds values', () => {
    const long = 'x'.repeat(5000);
    const html = labPage({
      instanceId: `i-&lt;3&gt;`,
      privateIp: '10.1.3.25',
      publicIp: '',
      zone: 'a',
      rows: [
        [' 7 ', 'O&#39;Brien &amp; co', long.slice(0, 900)],
        // Any named entity closed by ";" decodes; "&T" and "&not" without ";" are text as stored.
        ['8', 'Caf&eacute; &#x4E2D;', 'AT&T &nothing'],
      ],
    });
    const page = readInstancePage(html);
    expect(page.instanceId).toBe('i-<3>');
    expect(page.sampleRows).toEqual([
      { id: '7', name: "O'Brien & co", address: 'x'.repeat(MAX_VALUE_CHARS) },
      { id: '8', name: 'Café 中', address: 'AT&T &nothing' },
    ]);
  });

  it('copes with hostile input quickly and within bounds', () => {
    // Many near-miss rows and labels that never close: a careless pattern would backtrack for minutes here
    // and run into the test timeout.
    const nearMiss =
      '<tr><td>Instance ID</td><td><i>'.repeat(20_000) + '<tr><td>a</td><td>b</td><td>'.repeat(20_000);
    const manyRows = `<h1>RDS Practice</h1>${'<tr><td>1</td><td>n</td><td>a</td></tr>'.repeat(5_000)}`;
    const spaces = `<tr>${' '.repeat(200_000)}<td>`;
    const huge =
      labPage({ instanceId: 'i-3', privateIp: '10.1.3.3', publicIp: '', zone: 'z' }) + 'y'.repeat(10_000_000);
    expect(readInstancePage(nearMiss).instanceId).toBeNull();
    expect(readInstancePage(manyRows).sampleRows).toHaveLength(MAX_SAMPLE_ROWS);
    expect(readInstancePage(spaces).sampleRows).toEqual([]);
    expect(readInstancePage(huge).instanceId).toBe('i-3');
    // Text past the examined prefix is ignored.
    expect(
      readInstancePage(`${'y'.repeat(300 * 1024)}<tr><td>Instance ID</td><td><i>i-late</i>`).instanceId,
    ).toBeNull();
  });

  it("reads SAMPLE rows as the twin's index.php prints them, nulls as empty cells", () => {
    const html = renderLabPage({
      instanceId: 'i-0abc',
      privateIp: '10.1.3.25',
      publicIp: '',
      availabilityZone: 'ap-northeast-2a',
      connectError: null,
      rows: [
        [1, 'KIM', 'SEOUL'],
        [2, 'PARK', null],
        [3n, '  LEE \n  JUNG ', 'BUSAN'],
      ],
    });
    expect(readInstancePage(html).sampleRows).toEqual([
      { id: '1', name: 'KIM', address: 'SEOUL' },
      { id: '2', name: 'PARK', address: '' },
      { id: '3', name: 'LEE JUNG', address: 'BUSAN' },
    ]);
    // A failed connection prints the header row only: no SAMPLE rows.
    const failed = renderLabPage({
      instanceId: 'i-0abc',
      privateIp: '10.1.3.25',
      publicIp: '',
      availabilityZone: 'ap-northeast-2a',
      connectError: "Unknown MySQL server host 'db' (-2)",
      rows: [[1, 'KIM', 'SEOUL']],
    });
    expect(readInstancePage(failed).sampleRows).toEqual([]);
  });

  it('a SAMPLE value holding markup is not read as a row (index.php does not escape it)', () => {
    const html = renderLabPage({
      instanceId: 'i-0abc',
      privateIp: '10.1.3.25',
      publicIp: '',
      availabilityZone: 'ap-northeast-2a',
      connectError: null,
      rows: [
        [1, 'KIM', 'SEOUL'],
        [2, '<img src=x onerror=alert(1)>', 'SUWON'],
      ],
    });
    expect(readInstancePage(html).sampleRows).toEqual([{ id: '1', name: 'KIM', address: 'SEOUL' }]);
  });

  it('normalizes a cell the same way whether it comes from the page or the database', () => {
    expect(normalizeCellText('  KIM \t\n MINJI  ')).toBe('KIM MINJI');
    expect(normalizeCellText('x'.repeat(5000))).toHaveLength(MAX_VALUE_CHARS);
    expect(normalizeCellText('')).toBe('');
  });
});

describe('readServingInstance', () => {
  it('reads the same instance and AZ as the whole page does, with default and custom patterns', () => {
    const html = labPage({
      instanceId: 'i-0a1b2c3d4e5f67890',
      privateIp: '10.0.3.15',
      publicIp: '',
      zone: 'ap-northeast-2c',
      rows: [['1', 'KIM', 'SEOUL']],
    });
    expect(readServingInstance(html)).toEqual({
      instanceId: 'i-0a1b2c3d4e5f67890',
      availabilityZone: 'ap-northeast-2c',
    });
    const page = readInstancePage(html);
    expect(readServingInstance(html)).toEqual({
      instanceId: page.instanceId,
      availabilityZone: page.availabilityZone,
    });
    const custom = {
      instanceId: 'served by <b>([^<]{1,64})</b>',
      availabilityZone: 'zone ([a-z0-9-]{1,40})',
    };
    expect(readServingInstance('<p>served by <b>web-a</b> in zone us-east-1b</p>', custom)).toEqual({
      instanceId: 'web-a',
      availabilityZone: 'us-east-1b',
    });
    expect(readServingInstance('<p>no lab page here</p>')).toEqual({
      instanceId: null,
      availabilityZone: null,
    });
    expect(() => readServingInstance('', { instanceId: 'no group' })).toThrow(/exactly one capture group/);
  });
});

describe('judgeAppPage, the one "the app is up"', () => {
  it('is up on 200 without a database error', () => {
    expect(judgeAppPage(200, '<h1>Instance</h1>')).toEqual({ healthy: true });
  });
  it('is not up when the page answers but cannot reach MySQL, whatever the status', () => {
    expect(judgeAppPage(200, 'Failed to connect to MySQL: Connection refused<br>')).toEqual({
      healthy: false,
      problem: 'Failed to connect to MySQL: Connection refused',
    });
    expect(judgeAppPage(500, 'Uncaught mysqli_sql_exception: Unknown host')).toMatchObject({
      healthy: false,
    });
  });
  it('is not up on any other status', () => {
    expect(judgeAppPage(302, '')).toEqual({ healthy: false, problem: 'HTTP 302' });
    expect(judgeAppPage(503, '')).toEqual({ healthy: false, problem: 'HTTP 503' });
  });
});
