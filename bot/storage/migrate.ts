/**
 * Applies migrations/ to the database. Several processes may start at once (a deploy starts every
 * web and worker together), so the run holds a Postgres advisory lock inside the migration
 * transaction: the first process applies, the others wait and then find nothing pending.
 */
import type { Orm } from './orm.ts';

/** Fixed key shared by every DeepClaw process ("DCMIGRAT" read as a number, trimmed to int8). */
const MIGRATION_LOCK_KEY = 4991264329389687124n;

export async function migrateToLatest(orm: Orm): Promise<string[]> {
  // Creates the bookkeeping table before the transaction: on the embedded database every
  // connection shares one session, so a second connection would wait for our transaction forever.
  await orm.migrator.getExecuted();
  const connection = orm.em.getConnection();
  return connection.transactional(async (transaction) => {
    await connection.execute('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY.toString()], 'all', transaction);
    const applied = await orm.migrator.up({ transaction });
    return applied.map((migration) => migration.name);
  });
}

/** Names of migrations not yet applied; empty when the schema is current. */
export async function pendingMigrations(orm: Orm): Promise<string[]> {
  const pending = await orm.migrator.getPending();
  return pending.map((migration) => migration.name);
}
