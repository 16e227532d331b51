/**
 * The Discord side of the outbound chat port: alerts posted as embeds with buttons, edited in
 * place on ack and resolve (a message edit), replies as messages that reference the alert. Every
 * failure comes back at once as a typed DeliveryError (delivery-errors.ts); the outbox retries.
 */
import type { REST } from '@discordjs/rest';
import { Routes, type APIMessage } from 'discord-api-types/v10';
import type { ChatAdapter, MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { OutboundMessage } from '../../bot/messages/alert-message.ts';
import { isUnknownMessage, toDeliveryError } from './delivery-errors.ts';
import { ALLOW_NO_MENTIONS, renderMessage, renderReplyText } from './render.ts';

/** Where a posted message is: its channel and its id. */
export interface DiscordMessageRef extends MessageRef {
  channel: string;
  message: string;
}

export function discordAdapter(rest: REST, clock: () => Date): ChatAdapter {
  const post = async (channelId: string, message: OutboundMessage): Promise<DiscordMessageRef> => {
    try {
      const posted = (await rest.post(Routes.channelMessages(channelId), { body: renderMessage(message, clock()) })) as APIMessage;
      return { channel: posted.channel_id ?? channelId, message: posted.id };
    } catch (error) {
      throw toDeliveryError(error, 'POST /channels/{id}/messages');
    }
  };
  return {
    platform: 'discord',
    post,
    async update(ref, message) {
      try {
        await rest.patch(Routes.channelMessage(String(ref.channel), String(ref.message)), { body: renderMessage(message, clock()) });
      } catch (error) {
        // Someone deleted the alert: show its new state as a message of its own rather than not at all.
        if (isUnknownMessage(error)) {
          await post(String(ref.channel), message);
          return;
        }
        throw toDeliveryError(error, 'PATCH /channels/{id}/messages/{id}');
      }
    },
    async reply(ref, text) {
      try {
        const posted = (await rest.post(Routes.channelMessages(String(ref.channel)), {
          body: {
            content: renderReplyText(text),
            // A reply to a deleted alert is still posted, as a plain message.
            message_reference: { message_id: String(ref.message), fail_if_not_exists: false },
            allowed_mentions: { ...ALLOW_NO_MENTIONS, replied_user: false },
          },
        })) as APIMessage;
        return { channel: posted.channel_id ?? String(ref.channel), message: posted.id };
      } catch (error) {
        throw toDeliveryError(error, 'POST /channels/{id}/messages');
      }
    },
  };
}
