/**
 * The Telegram side of the outbound chat port: alerts posted as HTML with their inline keyboard,
 * edited in place on ack and resolve (`editMessageText`, the keyboard removed once resolved),
 * replies sent as replies to the alert in its topic. The client never retries on its own: the
 * outbox owns retries, so every failure comes back at once as a typed DeliveryError.
 *
 * A group upgraded to a supergroup answers every call with `migrate_to_chat_id`: the adapter has
 * the move recorded (link and subscriptions follow the chat, bot/links/chat-moves.ts) and delivers
 * to the new chat in the same call, so the outbox never sees it fail.
 */
import type { Api } from 'grammy';
import type { Message as TelegramApiMessage } from 'grammy/types';
import { DeliveryError, type ChatAdapter, type MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { OutboundMessage } from '../../bot/messages/alert-message.ts';
import { isGroupChat, toTelegramPlace, type TelegramPlace } from './channel-id.ts';
import { isNotModified, isUneditable, migratedTo, toDeliveryError } from './delivery-errors.ts';
import { renderLine, renderMessage } from './render.ts';

export interface TelegramAdapterHooks {
  /** Told when Telegram says a chat moved to a new id; resolves once the move is recorded. */
  onChatMoved(fromChatId: number, toChatId: number): Promise<void>;
}

/** Where a sent message is: what `update` and `reply` need. */
export interface TelegramRef {
  chat: number;
  message: number;
  thread?: number;
}

export function toRef(sent: TelegramApiMessage, threadId?: number): MessageRef {
  return { chat: sent.chat.id, message: sent.message_id, ...(threadId !== undefined ? { thread: threadId } : {}) };
}

function fromRef(ref: MessageRef): TelegramRef {
  return { chat: Number(ref.chat), message: Number(ref.message), ...(ref.thread !== undefined ? { thread: Number(ref.thread) } : {}) };
}

const HTML = { parse_mode: 'HTML', link_preview_options: { is_disabled: true } } as const;

/**
 * Sends a core message: each part in order, the keyboard under the last, the first part replying
 * to `replyTo` when given (a command's answer). Returns the last part sent.
 */
export async function sendMessage(api: Api, place: TelegramPlace, value: OutboundMessage, options: { replyTo?: number; maxParts?: number } = {}): Promise<TelegramApiMessage> {
  const rendered = renderMessage(value, { maxParts: options.maxParts });
  let sent: TelegramApiMessage | undefined;
  for (const [index, part] of rendered.parts.entries()) {
    const last = index === rendered.parts.length - 1;
    sent = await api.sendMessage(place.chatId, part, {
      ...HTML,
      ...(place.threadId !== undefined ? { message_thread_id: place.threadId } : {}),
      ...(index === 0 && options.replyTo !== undefined ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } } : {}),
      ...(last && rendered.keyboard ? { reply_markup: rendered.keyboard } : {}),
    });
  }
  return sent!;
}

/** Telegram's flood limits: about one message a second per chat, 20 a minute per group; a topic counts into its group. */
export const PRIVATE_CHAT_LIMITS = [{ messages: 1, perSeconds: 1 }] as const;
export const GROUP_LIMITS = [
  { messages: 1, perSeconds: 1 },
  { messages: 20, perSeconds: 60 },
] as const;

export function telegramAdapter(api: Api, hooks: TelegramAdapterHooks): ChatAdapter {
  /** Runs `call` on the chat, or, when the chat has become a supergroup, records the move and runs it there. */
  async function followingMoves<T>(method: string, chatId: number, call: (chatId: number, moved: boolean) => Promise<T>): Promise<T> {
    try {
      return await call(chatId, false);
    } catch (error) {
      const to = migratedTo(error);
      if (to === undefined) throw toDeliveryError(error, method);
      await hooks.onChatMoved(chatId, to);
      try {
        return await call(to, true);
      } catch (again) {
        throw toDeliveryError(again, method);
      }
    }
  }

  const post = async (channelId: string, message: OutboundMessage): Promise<MessageRef> => {
    const place = placeOf(channelId);
    return followingMoves('sendMessage', place.chatId, async (chatId, moved) => {
      // A basic group has no topics, so a moved chat is posted to as a whole.
      const target = moved ? { chatId } : place;
      return toRef(await sendMessage(api, target, message, { maxParts: 1 }), target.threadId);
    });
  };

  return {
    platform: 'telegram',
    post,
    async update(value: MessageRef, message: OutboundMessage): Promise<void> {
      const ref = fromRef(value);
      const rendered = renderMessage(message, { maxParts: 1 });
      const here = ref.thread !== undefined ? `${ref.chat}:${ref.thread}` : String(ref.chat);
      await followingMoves('editMessageText', ref.chat, async (chatId, moved) => {
        // The old group's messages cannot be edited from the supergroup: show the new state there.
        if (moved) return post(String(chatId), message);
        try {
          // No keyboard given means none: a resolved alert loses its buttons.
          return await api.editMessageText(chatId, ref.message, rendered.parts[0]!, { ...HTML, reply_markup: rendered.keyboard ?? { inline_keyboard: [] } });
        } catch (error) {
          if (isNotModified(error)) return undefined;
          // Deleted by someone, or too old to edit: the chat still hears the news, as a new message.
          if (isUneditable(error)) return post(here, message);
          throw error;
        }
      });
    },
    async reply(value: MessageRef, text: string): Promise<MessageRef> {
      const ref = fromRef(value);
      return followingMoves('sendMessage', ref.chat, async (chatId, moved) => {
        const sent = await api.sendMessage(chatId, renderLine(text), {
          ...HTML,
          ...(!moved && ref.thread !== undefined ? { message_thread_id: ref.thread } : {}),
          ...(!moved ? { reply_parameters: { message_id: ref.message, allow_sending_without_reply: true } } : {}),
        });
        return toRef(sent, moved ? undefined : ref.thread);
      });
    },
    sendLimits(channelId: string) {
      const place = placeOf(channelId);
      return { countedAs: String(place.chatId), limits: isGroupChat(place.chatId) ? GROUP_LIMITS : PRIVATE_CHAT_LIMITS };
    },
  };
}

function placeOf(channelId: string): TelegramPlace {
  try {
    return toTelegramPlace(channelId);
  } catch (error) {
    throw new DeliveryError('permanent', (error as Error).message);
  }
}
