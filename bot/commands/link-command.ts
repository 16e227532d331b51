/**
 * `/deepclaw link <code>`: attaches this chat to the workspace whose one-time code it is, and
 * subscribes this channel to its alerts, in one go.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { redeemLinkCode } from '../links/link-codes.ts';
import { message, text, type Reply } from '../messages/message.ts';
import { subscribeChannel } from '../subscriptions/subscriptions.ts';
import { toChannel } from './replies.ts';
import type { Place, Requester } from './command-request.ts';

export async function linkCommand(input: { em: EntityManager; actor: Actor; requester: Requester; place: Place; now: Date; code: string }): Promise<Reply[]> {
  const { em, actor, requester, place, now } = input;
  const link = await redeemLinkCode(em, { code: input.code, platform: requester.platform, externalId: place.chatId, actor, now });
  const workspace = link.workspace;
  await em.populate(link, ['workspace']);
  await subscribeChannel(em, { workspace, channel: { platform: requester.platform, channelId: place.channelId }, kinds: null, actor, now });
  return [
    toChannel(
      message(
        `🔗 Linked to DeepClaw workspace "${workspace.name}" by ${requester.displayName}`,
        text('This channel now receives its alerts. Try /deepclaw status, or /deepclaw help for every command.'),
      ),
    ),
  ];
}
