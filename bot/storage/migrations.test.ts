import { expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from '../../test/support/databases.ts';
import { migrationsList } from '../../migrations/index.ts';
import { migrateToLatest, pendingMigrations } from './migrate.ts';
import { describe } from 'vitest';

describe.each(BACKENDS)('migrations [%s]', (backend) => {
  it('build the whole schema from an empty database, with a default workspace, and then have nothing pending', async () => {
    const db = await createTestDatabase(backend);
    try {
      const connection = db.database.orm.em.getConnection();
      const tables = await connection.execute<{ table_name: string }[]>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(['audit_log', 'chat_link', 'instance', 'link_code', 'mikro_orm_migrations', 'subscription', 'sync_token', 'workspace']),
      );
      expect(await connection.execute('select name from workspace')).toEqual([{ name: 'default' }]);
      expect(await pendingMigrations(db.database.orm)).toEqual([]);
      const applied = await connection.execute<{ name: string }[]>('select name from mikro_orm_migrations order by id');
      expect(applied.map((row) => row.name)).toEqual(migrationsList.map((m) => m.name));
    } finally {
      await db.close();
    }
  });

  it('apply nothing the second time, even when several processes migrate at once', async () => {
    const db = await createTestDatabase(backend);
    try {
      const again = await Promise.all([migrateToLatest(db.database.orm), migrateToLatest(db.database.orm)]);
      expect(again).toEqual([[], []]);
      expect(await db.database.orm.em.getConnection().execute('select count(*)::int as n from workspace')).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('leave the entities and the schema in agreement (no migration is missing)', async () => {
    const db = await createTestDatabase(backend);
    try {
      const diff = await db.database.orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await db.close();
    }
  });
});
