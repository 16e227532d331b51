/** Addressing a reply: to the person who asked only, or to the whole channel. */
import type { ChatMessage, Reply } from '../messages/chat-message.ts';

export function toRequester(value: ChatMessage): Reply {
  return { audience: 'requester', message: value };
}

export function toChannel(value: ChatMessage): Reply {
  return { audience: 'channel', message: value };
}
