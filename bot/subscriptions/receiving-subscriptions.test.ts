import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { receivingSubscriptions } from './receiving-subscriptions.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const HOUR_LATER = new Date(NOW.getTime() + 3_600_000);

describeStorage('which subscriptions receive a message', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const env = () => ({ env: { DATABASE_URL: db().url } });

  it('picks the enabled, unmuted channels that want the kind, unless the instance or the workspace is muted', async () => {
    await cli(['workspace', 'create', 'team-r'], env());
    await cli(['instance', 'add', 'vps-r', '--workspace', 'team-r'], env());
    const [{ workspace_id: workspaceId, id: instanceId }] = (await sql<{ id: string; workspace_id: string }>("select id, workspace_id from instance where name = 'vps-r'")) as [
      { id: string; workspace_id: string },
    ];
    const subscribe = async (channel: string, extra: { kinds?: string[]; mutedUntil?: Date; disabledAt?: Date } = {}) => {
      const [row] = await sql<{ id: string }>(
        `insert into subscription (id, workspace_id, platform, channel_id, kinds, muted_until, disabled_at, created_at, created_by)
         values (gen_random_uuid(), ?, 'recording', ?, ?::jsonb, ?, ?, now(), 'test') returning id`,
        [workspaceId, channel, extra.kinds ? JSON.stringify(extra.kinds) : null, extra.mutedUntil ?? null, extra.disabledAt ?? null],
      );
      return row!.id;
    };
    const all = await subscribe('C-ALL');
    const staleOnly = await subscribe('C-STALE', { kinds: ['stale'] });
    await subscribe('C-COST', { kinds: ['cost-drift'] });
    await subscribe('C-MUTED', { mutedUntil: HOUR_LATER });
    await subscribe('C-GONE', { disabledAt: NOW });
    const mutedEnded = await subscribe('C-WAS-MUTED', { mutedUntil: NOW });
    const em = () => db().database.orm.em.fork();
    const receiving = (input: { instanceId?: string | null; kind?: string | null; at?: Date }) =>
      receivingSubscriptions(em(), { workspaceId, instanceId: input.instanceId === undefined ? instanceId : input.instanceId, kind: input.kind === undefined ? 'stale' : input.kind, at: input.at ?? NOW });

    expect(await receiving({})).toEqual([all, staleOnly, mutedEnded].sort());
    // A notice is no event's kind: every enabled, unmuted channel gets it, whatever it subscribed to.
    expect(await receiving({ kind: null, instanceId: null })).toHaveLength(4);
    // The channel's mute ends.
    expect(await receiving({ at: HOUR_LATER })).toHaveLength(4);

    await sql('update instance set muted_until = ? where id = ?', [HOUR_LATER, instanceId]);
    expect(await receiving({})).toEqual([]);
    expect(await receiving({ instanceId: null })).toEqual([all, staleOnly, mutedEnded].sort());
    await sql('update instance set muted_until = null where id = ?', [instanceId]);

    await sql('update workspace set muted_until = ? where id = ?', [HOUR_LATER, workspaceId]);
    expect(await receiving({})).toEqual([]);
    expect(await receiving({ instanceId: null, kind: null })).toEqual([]);
  });
});
