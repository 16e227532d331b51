/**
 * A chat that changed its id. Telegram upgrades a group to a supergroup under a new chat id
 * (`migrate_to_chat_id`), and from then on every message to the old id fails: the chat's link,
 * its subscriptions (with their mutes and kinds), the notices still waiting for it and the
 * rotation follow-ups promised to it move to the new id, in one transaction, audited per
 * workspace. Telegram reports the move several times (a service message in each chat, and the
 * error of any call to the old id), so moving again finds nothing and changes nothing.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { Workspace } from '../storage/entities/index.ts';

export interface ChatMove {
  platform: string;
  fromChatId: string;
  toChatId: string;
  actor: Actor;
  now: Date;
}

/** What moved: the links and subscriptions, by workspace id. */
export interface ChatMoveResult {
  links: number;
  subscriptions: number;
  workspaceIds: string[];
}

export async function moveChat(em: EntityManager, move: ChatMove): Promise<ChatMoveResult> {
  const { platform, fromChatId, toChatId } = move;
  if (fromChatId === toChatId) return { links: 0, subscriptions: 0, workspaceIds: [] };
  return em.transactional(async (tx) => {
    // Where the new id is already linked or subscribed (a move reported twice, or someone linked
    // the supergroup by hand first), the new row wins and the old one goes.
    const links = await tx.execute<{ workspace_id: string }[]>(
      `update chat_link set external_id = ? where platform = ? and external_id = ?
          and not exists (select 1 from chat_link l where l.platform = chat_link.platform and l.external_id = ?)
        returning workspace_id`,
      [toChatId, platform, fromChatId, toChatId],
    );
    await tx.execute(`delete from chat_link where platform = ? and external_id = ?`, [platform, fromChatId]);
    const subscriptions = await tx.execute<{ workspace_id: string }[]>(
      `update subscription set channel_id = ? where platform = ? and channel_id = ?
          and not exists (select 1 from subscription s where s.workspace_id = subscription.workspace_id and s.platform = subscription.platform and s.channel_id = ?)
        returning workspace_id`,
      [toChatId, platform, fromChatId, toChatId],
    );
    await tx.execute(`delete from subscription where platform = ? and channel_id = ?`, [platform, fromChatId]);
    await tx.execute(`update notification set channel_id = ? where platform = ? and channel_id = ? and state = 'pending'`, [toChatId, platform, fromChatId]);
    await tx.execute(`update rotation_follow_up set channel_id = ? where platform = ? and channel_id = ? and done_at is null`, [toChatId, platform, fromChatId]);
    const workspaceIds = [...new Set([...links, ...subscriptions].map((row) => row.workspace_id))];
    for (const workspaceId of workspaceIds) {
      recordAudit(tx, {
        action: 'chat.moved',
        actor: move.actor,
        workspace: tx.getReference(Workspace, workspaceId),
        subject: `${platform}:${fromChatId}`,
        details: { from: fromChatId, to: toChatId },
        at: move.now,
      });
    }
    return { links: links.length, subscriptions: subscriptions.length, workspaceIds };
  });
}
