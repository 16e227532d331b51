/** Addressing a reply: to the person who asked only, or to the whole channel. */
import type { Message, Reply } from '../messages/message.ts';

export function toRequester(value: Message): Reply {
  return { audience: 'requester', message: value };
}

export function toChannel(value: Message): Reply {
  return { audience: 'channel', message: value };
}
