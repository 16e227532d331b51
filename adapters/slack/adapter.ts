/**
 * The Slack side of the outbound chat port: alerts posted as Block Kit, edited in place on
 * ack and resolve (`chat.update`), replies in the alert's thread. The Web API client never retries on its
 * own and never waits out a 429: the outbox owns retries, so every failure comes back at once as
 * a typed DeliveryError.
 */
import type { webApi } from '@slack/bolt';
import type { ChatAdapter, MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { OutboundMessage } from '../../bot/messages/alert-message.ts';
import { toDeliveryError } from './delivery-errors.ts';
import { escapeSlackText, renderMessage } from './render.ts';

export function slackAdapter(client: webApi.WebClient): ChatAdapter {
  return {
    platform: 'slack',
    async post(channelId: string, message: OutboundMessage): Promise<MessageRef> {
      const rendered = renderMessage(message);
      try {
        const result = await client.chat.postMessage({ channel: channelId, ...rendered, mrkdwn: false, unfurl_links: false, unfurl_media: false });
        return { channel: String(result.channel ?? channelId), ts: String(result.ts) };
      } catch (error) {
        throw toDeliveryError(error, 'chat.postMessage');
      }
    },
    async update(ref: MessageRef, message: OutboundMessage): Promise<void> {
      try {
        await client.chat.update({ channel: String(ref.channel), ts: String(ref.ts), ...renderMessage(message) });
      } catch (error) {
        throw toDeliveryError(error, 'chat.update');
      }
    },
    async reply(ref: MessageRef, text: string): Promise<MessageRef> {
      try {
        const result = await client.chat.postMessage({ channel: String(ref.channel), thread_ts: String(ref.ts), text: escapeSlackText(text), mrkdwn: false });
        return { channel: String(result.channel ?? ref.channel), ts: String(result.ts) };
      } catch (error) {
        throw toDeliveryError(error, 'chat.postMessage');
      }
    },
  };
}
