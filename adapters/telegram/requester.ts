/**
 * Who sent a Telegram message, as the command core's Requester. Three kinds of sender:
 *
 * - a person (`from`): their user id; a platform admin when they are the chat's creator or an
 *   administrator (getChatMember), or in a private chat with the bot, whose only person owns it;
 * - an anonymous group admin (an admin with "Remain anonymous" on): Telegram shows the message as
 *   sent by the group itself (`sender_chat` is the chat, `from` is @GroupAnonymousBot). Only admins
 *   can do that, so they are the chat's admin — but nobody can tell which one, and the bot cannot
 *   write to them privately: they may do what an admin may, except commands that answer with a
 *   token (see anonymous-admin refusal in commands.ts); the audit log names the group;
 * - a channel posting into its discussion group (`sender_chat` is another chat): not a person,
 *   never an admin.
 *
 * Display names are the person's name, not their @username, so "rotated by Bob" in a group
 * notifies nobody.
 */
import type { Chat, Message, User } from 'grammy/types';
import type { Requester } from '../../bot/commands/command-request.ts';
import type { ChatAdmins } from './chat-admins.ts';

export type Sender =
  | { kind: 'person'; user: User }
  | { kind: 'anonymous-admin'; chat: Chat }
  | { kind: 'channel'; chat: Chat };

export function senderOf(message: Pick<Message, 'from' | 'sender_chat' | 'chat'>): Sender | undefined {
  if (message.sender_chat && message.sender_chat.id === message.chat.id) return { kind: 'anonymous-admin', chat: message.chat };
  if (message.sender_chat) return { kind: 'channel', chat: message.sender_chat };
  return message.from ? { kind: 'person', user: message.from } : undefined;
}

export function displayNameOf(user: User): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ').trim();
  return name || user.username || String(user.id);
}

export async function requesterOf(sender: Sender, chat: Chat, admins: ChatAdmins): Promise<Requester> {
  switch (sender.kind) {
    case 'person':
      return {
        platform: 'telegram',
        userId: String(sender.user.id),
        displayName: displayNameOf(sender.user),
        isPlatformAdmin: chat.type === 'private' ? true : await admins.isAdmin(chat.id, sender.user.id),
      };
    case 'anonymous-admin':
      // `anonymous:` cannot match a DEEPCLAW_ADMINS entry, and says in the audit log what it was.
      return { platform: 'telegram', userId: `anonymous:${chat.id}`, displayName: 'an anonymous admin', isPlatformAdmin: true };
    case 'channel':
      return { platform: 'telegram', userId: `channel:${sender.chat.id}`, displayName: 'title' in sender.chat && sender.chat.title ? sender.chat.title : 'a channel', isPlatformAdmin: false };
  }
}
