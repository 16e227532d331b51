import { describe, expect, it } from 'vitest';
import type { ChatAdmins } from './chat-admins.ts';
import { requesterOf, senderOf } from './requester.ts';

const group = { id: -1001234567890, type: 'supergroup' as const, title: 'Ops' };
const admins = (ids: number[]): ChatAdmins => ({ isAdmin: async (_chat, user) => ids.includes(user) });

describe('who sent a Telegram message', () => {
  it('names a person by their name, an admin when the chat says so, always one in their private chat', async () => {
    const bob = { id: 1001, is_bot: false, first_name: 'Bob', last_name: 'Ng', username: 'bob_ops' };
    expect(await requesterOf(senderOf({ from: bob, chat: group })!, group, admins([1001]))).toEqual({ platform: 'telegram', userId: '1001', displayName: 'Bob Ng', isPlatformAdmin: true });
    expect((await requesterOf(senderOf({ from: bob, chat: group })!, group, admins([]))).isPlatformAdmin).toBe(false);
    const dm = { id: 1001, type: 'private' as const, first_name: 'Bob' };
    expect((await requesterOf(senderOf({ from: bob, chat: dm })!, dm, admins([]))).isPlatformAdmin).toBe(true);
  });

  it('treats a message sent as the group itself as an anonymous admin, and a channel posting into the group as no admin', async () => {
    const anonymous = { from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' }, sender_chat: group, chat: group };
    expect(await requesterOf(senderOf(anonymous)!, group, admins([]))).toEqual({ platform: 'telegram', userId: `anonymous:${group.id}`, displayName: 'an anonymous admin', isPlatformAdmin: true });
    const channel = { id: -1009876543210, type: 'channel' as const, title: 'Announcements' };
    const relayed = { from: { id: 136817688, is_bot: true, first_name: 'Channel', username: 'Channel_Bot' }, sender_chat: channel, chat: group };
    expect(await requesterOf(senderOf(relayed)!, group, admins([136817688]))).toEqual({ platform: 'telegram', userId: `channel:${channel.id}`, displayName: 'Announcements', isPlatformAdmin: false });
  });
});
