import { describe, expect, it } from 'vitest';
import { toChannelId, toTelegramPlace } from './channel-id.ts';

describe('Telegram channel ids', () => {
  it('round-trips a chat, and a forum topic of a supergroup', () => {
    expect(toChannelId({ chatId: 731_000_001 })).toBe('731000001');
    expect(toChannelId({ chatId: -1_001_234_567_890, threadId: 42 })).toBe('-1001234567890:42');
    expect(toTelegramPlace('-1001234567890:42')).toEqual({ chatId: -1_001_234_567_890, threadId: 42 });
    expect(toTelegramPlace('-4000111')).toEqual({ chatId: -4_000_111 });
  });

  it('refuses what is not a chat id, saying what one looks like', () => {
    expect(() => toTelegramPlace('C0123ABC')).toThrow('"C0123ABC" is not a Telegram chat id, or chat id:topic id (like -1001234567890 or -1001234567890:42)');
  });
});
