import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { twinForTests } from '../twinForTests.ts';
import { labdrill } from './labdrillCommand.ts';
import { labdrillTables } from './labdrillTables.ts';

// The database password and the AWS secret key reach labdrill only through the environment, and must never
// come back out: not on the terminal, not in report.json, junit.xml, report.html, nor in the drill journal.

const lab = twinForTests();
const dir = mkdtempSync(join(tmpdir(), 'labdrill-secrets-'));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets', () => {
  it('never appear in any output, report or journal', async () => {
    const password = lab.twin.awsEnv.LAB_DB_PASSWORD!;
    const secretKey = lab.twin.awsEnv.AWS_SECRET_ACCESS_KEY!;
    expect(password.length).toBeGreaterThanOrEqual(8);
    expect(readFileSync(lab.twin.stackFile, 'utf8')).not.toContain(password);
    const out = join(dir, 'out');
    // The SQL checks and the failover drill use the password; a run with and one without the drills.
    const probeRun = await labdrill(['run', '--config', lab.twin.stackFile, '--out', out], {
      env: lab.twin.awsEnv,
    });
    // A run without --chaos leaves nothing in the student's database (rds.replica.lag's markers included).
    expect(await labdrillTables(lab.twin)).toEqual([]);
    const runs = [
      probeRun,
      await labdrill(
        ['drill', 'rds-failover', '--config', lab.twin.stackFile, '--chaos', '--out', join(dir, 'drill-out')],
        // Run from the scratch directory, so that the drill's journal lands there and is searched too.
        { env: lab.twin.awsEnv, cwd: dir },
      ),
      // A wrong password: errors from the database must not echo what was sent either.
      await labdrill(
        ['run', '--config', lab.twin.stackFile, '--only', 'rds.replica.lag', '--out', join(dir, 'bad')],
        {
          env: { ...lab.twin.awsEnv, LAB_DB_PASSWORD: `${password}-wrong` },
        },
      ),
    ];
    const texts = [
      ...runs.flatMap((run) => [run.stdout, run.stderr]),
      ...filesUnder(dir).map((file) => readFileSync(file, 'utf8')),
    ];
    expect(filesUnder(dir).some((file) => file.endsWith('report.html'))).toBe(true);
    // Nor does a drill: its heartbeat table was dropped at its rollback.
    expect(await labdrillTables(lab.twin)).toEqual([]);
    for (const text of texts) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(secretKey);
    }
    expect(filesUnder(dir).some((file) => file.endsWith('journal.jsonl'))).toBe(true);
  });
});
