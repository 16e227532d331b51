/**
 * Where a Telegram message goes, as one string for subscriptions and the outbox: the chat id
 * (`-1001234567890`), or in a forum topic the chat id and the topic's `message_thread_id`
 * (`-1001234567890:42`), so alerts subscribed from a topic arrive in that topic.
 */

export interface TelegramPlace {
  chatId: number;
  /** The forum topic; unset for the chat itself (and a forum's General topic). */
  threadId?: number;
}

export function toChannelId(place: TelegramPlace): string {
  return place.threadId === undefined ? String(place.chatId) : `${place.chatId}:${place.threadId}`;
}

export class ChannelIdError extends Error {
  constructor(channelId: string) {
    super(`"${channelId.slice(0, 60)}" is not a Telegram chat id, or chat id:topic id (like -1001234567890 or -1001234567890:42)`);
    this.name = 'ChannelIdError';
  }
}

export function toTelegramPlace(channelId: string): TelegramPlace {
  const match = /^(-?\d{1,20})(?::(\d{1,12}))?$/.exec(channelId);
  if (!match) throw new ChannelIdError(channelId);
  return { chatId: Number(match[1]), ...(match[2] ? { threadId: Number(match[2]) } : {}) };
}

/**
 * Telegram's flood limits as the outbox counts them: about one message a second in any chat, and
 * at most 20 a minute in a group (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 * Group and supergroup ids are negative; the topics of a forum share their group's budget.
 */
export function isGroupChat(chatId: number): boolean {
  return chatId < 0;
}
