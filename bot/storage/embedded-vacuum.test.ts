import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { vacuumEveryTable } from './embedded-vacuum.ts';

describeStorage('vacuuming the embedded database', (db) => {
  it('vacuums and analyzes every table, so the planner learns how many rows there are', async () => {
    const connection = db().database.orm.em.getConnection();
    await connection.execute(`insert into workspace (id, name, created_at) select gen_random_uuid(), 'vacuum-' || g, now() from generate_series(1, 300) g`);
    const report = await vacuumEveryTable(db().database.orm);
    const [tables] = await connection.execute<{ n: number }[]>(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
    expect(report.tables).toBe(tables!.n);
    // reltuples is -1 until a table is first analyzed.
    const [workspace] = await connection.execute<{ reltuples: number }[]>(`select reltuples from pg_class where relname = 'workspace'`);
    expect(workspace!.reltuples).toBeGreaterThanOrEqual(300);
  });
});
