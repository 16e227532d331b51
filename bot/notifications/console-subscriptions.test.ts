import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { CONSOLE_CHANNEL } from '../../adapters/console/adapter.ts';
import { ensureConsoleSubscriptions, removeConsoleSubscriptions } from './console-subscriptions.ts';

describeStorage('console subscriptions', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  it('exist while a worker prints alerts to a terminal, and go (chat channels untouched) when one starts without', async () => {
    await cli(['workspace', 'create', 'console-ws'], { env: { DATABASE_URL: db().url } });
    const [workspace] = await sql<{ id: string }>(`select id from workspace where name = 'console-ws'`);
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'slack', 'C-OPS', now(), 'slack:U1')`, [workspace!.id]);
    const pool = await db().database.orm.em.getConnection().getNativeClient();
    const platforms = async () => (await sql<{ platform: string }>(`select platform from subscription where workspace_id = ? order by platform`, [workspace!.id])).map((row) => row.platform);

    await ensureConsoleSubscriptions(pool, CONSOLE_CHANNEL);
    await ensureConsoleSubscriptions(pool, CONSOLE_CHANNEL);
    expect(await platforms()).toEqual(['console', 'slack']);

    expect(await removeConsoleSubscriptions(pool, CONSOLE_CHANNEL)).toBeGreaterThanOrEqual(1);
    expect(await platforms()).toEqual(['slack']);
  });
});
