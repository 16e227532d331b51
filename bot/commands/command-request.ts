/**
 * The one neutral shape in which every chat platform hands a command to the core: who asked,
 * where, and what they typed. Adapters fill it from their payloads; the core never sees one.
 */
import type { MessageRef } from '../chat/chat-adapter.ts';

export interface Requester {
  /** `slack`, `discord`, `telegram`, `console`. */
  platform: string;
  /** The platform's user id (Slack `U0123ABC`): what the audit log and DEEPCLAW_ADMINS name. */
  userId: string;
  /** How public notes name them ("rotated by bob"); plain text, escaped by the adapter. */
  displayName: string;
  /** What the platform itself says: Slack workspace admin or owner, Discord Manage Server, Telegram chat admin. */
  isPlatformAdmin: boolean;
}

export interface Place {
  /** The chat a link attaches: Slack team id, Discord guild id, Telegram chat id. */
  chatId: string;
  /** Where the command was typed; alerts and follow-ups for it go here. */
  channelId: string;
  /** Set when typed in a thread: follow-ups reply there. */
  threadRef?: MessageRef;
}

export interface CommandRequest {
  text: string;
  requester: Requester;
  place: Place;
}

/** A click on an alert's button (Ack, Mute 1h, Mute 24h): the same handlers, the same rules. */
export interface AlertActionRequest {
  action: 'ack' | 'mute-1h' | 'mute-24h';
  eventId: string;
  requester: Requester;
  place: Place;
}
