/**
 * Autovacuum for the embedded database, which has none: PGlite runs Postgres as a single
 * standalone backend, without the postmaster that launches autovacuum workers. Left alone, the
 * space of every pruned snapshot and every updated row (instance state and usage rows change on
 * each sync) is never reused, so the data dir only grows; the planner's statistics never
 * change, so plans made for an empty table stay; and transaction ids are never frozen.
 *
 * So a worker vacuums and analyzes every table itself, hourly after retention has pruned, one
 * table per statement: the single session runs one statement at a time, and a table each keeps
 * ingest waiting for one table's vacuum, not the whole database's.
 */
import type { Orm } from './orm.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';

export interface VacuumReport {
  tables: number;
  seconds: number;
}

/** `VACUUM (ANALYZE)` of every table of the public schema, one by one. */
export async function vacuumEveryTable(orm: Orm): Promise<VacuumReport> {
  const connection = orm.em.getConnection();
  const started = performance.now();
  const tables = await connection.execute<{ name: string }[]>(
    `select quote_ident(c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by c.relname`,
  );
  for (const { name } of tables) await connection.execute(`vacuum (analyze) ${name}`, [], 'run');
  return { tables: tables.length, seconds: (performance.now() - started) / 1000 };
}

/** Hourly, a few minutes after prune-snapshots (:17) has freed what retention let go. */
export function embeddedVacuumJob(orm: Orm, onDone: (report: VacuumReport) => void): ScheduledJob {
  return {
    name: 'vacuum-embedded-database',
    schedule: '23 * * * *',
    runsOn: 'one-worker',
    async run() {
      onDone(await vacuumEveryTable(orm));
    },
  };
}
