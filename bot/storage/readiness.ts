/**
 * Whether this process can serve: the database answers and its schema is current. `/readyz`
 * reports it; load balancers stop routing to a process that is not ready.
 */
import { pendingMigrations } from './migrate.ts';
import type { Orm } from './orm.ts';

export type Readiness =
  | { ready: true; database: 'ok'; migrations: 'current' }
  | { ready: false; database: 'ok'; migrations: 'pending'; pending: string[] }
  | { ready: false; database: 'unreachable'; error: string };

export async function checkReadiness(orm: Orm, timeoutMs = 2000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const pending = await Promise.race([
      orm.em
        .getConnection()
        .execute('select 1')
        .then(() => pendingMigrations(orm)),
      timeout,
    ]);
    return pending.length === 0
      ? { ready: true, database: 'ok', migrations: 'current' }
      : { ready: false, database: 'ok', migrations: 'pending', pending };
  } catch (error) {
    return { ready: false, database: 'unreachable', error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}
