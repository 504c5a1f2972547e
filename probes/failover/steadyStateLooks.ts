import { type HttpProbeOptions, httpGet } from '../http.ts';
import { judgeAppPage } from '../page.ts';
import { type SqlSessionOptions, withSqlSession } from '../sql.ts';

// The looks a failover drill takes before it starts (and after its rollback): the database takes a session
// and a query, without writing anything, and the app page is up (judgeAppPage).

/** Whether the database takes a session and a query now; the problem when it does not. */
export async function sqlProblem(session: SqlSessionOptions): Promise<string | null> {
  try {
    await withSqlSession(session, (db) => db.select('SELECT 1'));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The app page is healthy now; the problem when it is not. */
export async function appProblem(url: string, http: HttpProbeOptions): Promise<string | null> {
  try {
    const response = await httpGet(url, http);
    const judged = judgeAppPage(response.status, response.body);
    return judged.healthy ? null : (judged.problem ?? `HTTP ${response.status}`);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
