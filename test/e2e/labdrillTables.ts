import type { RunningTwin } from '../../fixtures/twin/startTwin.ts';
import { withSqlSession } from '../../probes/sql.ts';

// What labdrill left in the twin's database: its own tables (labdrill_*) on the current writer.

export async function labdrillTables(twin: RunningTwin): Promise<string[]> {
  const writer = twin.state.rdsInstance(twin.stack.rds!.instance!)!;
  const rows = await withSqlSession(
    {
      endpoint: { host: writer.primary.privateIp, port: twin.database.port },
      credentials: { ...twin.database.credentials },
      connectTimeoutMs: 5000,
      queryTimeoutMs: 5000,
    },
    (session) =>
      session.select(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'labdrill\\_%'",
      ),
  );
  return rows.map((row) => String(row['name']));
}
