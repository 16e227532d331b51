import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { ALICE_AT_CLI, NOON } from '../../test/support/personas.ts';
import { subscribeChannel } from '../subscriptions/subscriptions.ts';
import { createWorkspace } from '../workspaces/workspaces.ts';
import { moveChat } from './chat-moves.ts';
import { createLinkCode, redeemLinkCode } from './link-codes.ts';

const TELEGRAM = { id: 'telegram', origin: 'telegram:-4000001' };

describeStorage('chat moves', (db) => {
  const em = () => db().database.orm.em.fork();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  it('moves a group upgraded to a supergroup: its link, its subscription with its kinds, and only once', async () => {
    const workspace = await createWorkspace(em(), 'moving-team', ALICE_AT_CLI);
    const { code } = await createLinkCode(em(), { workspace, actor: ALICE_AT_CLI, now: NOON });
    await redeemLinkCode(em(), { code, platform: 'telegram', externalId: '-4000001', actor: ALICE_AT_CLI, now: NOON });
    await subscribeChannel(em(), { workspace, channel: { platform: 'telegram', channelId: '-4000001' }, kinds: ['stale'], actor: ALICE_AT_CLI, now: NOON });

    const moved = await moveChat(em(), { platform: 'telegram', fromChatId: '-4000001', toChatId: '-1004000001', actor: TELEGRAM, now: NOON });
    expect(moved).toEqual({ links: 1, subscriptions: 1, workspaceIds: [workspace.id] });
    expect(await sql(`select external_id from chat_link where workspace_id = ?`, [workspace.id])).toEqual([{ external_id: '-1004000001' }]);
    expect(await sql(`select channel_id, kinds from subscription where workspace_id = ?`, [workspace.id])).toEqual([{ channel_id: '-1004000001', kinds: ['stale'] }]);
    expect(await sql(`select action, subject, details from audit_log where action = 'chat.moved'`)).toEqual([
      { action: 'chat.moved', subject: 'telegram:-4000001', details: { from: '-4000001', to: '-1004000001' } },
    ]);

    // Telegram tells it again (the service message in the new chat): nothing left to move.
    expect(await moveChat(em(), { platform: 'telegram', fromChatId: '-4000001', toChatId: '-1004000001', actor: TELEGRAM, now: NOON })).toEqual({
      links: 0,
      subscriptions: 0,
      workspaceIds: [],
    });
    expect(await sql(`select count(*)::int as n from subscription where workspace_id = ?`, [workspace.id])).toEqual([{ n: 1 }]);
  });
});
