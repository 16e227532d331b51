import type { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { telegramAdapter } from './adapter.ts';

describe('the Telegram adapter', () => {
  const adapter = telegramAdapter({} as Api, { onChatMoved: async () => undefined });

  it("names Telegram's flood limits: one a second in a private chat; one a second and 20 a minute in a group, its topics counted into it", () => {
    expect(adapter.sendLimits!('731000001')).toEqual({ countedAs: '731000001', limits: [{ messages: 1, perSeconds: 1 }] });
    expect(adapter.sendLimits!('-1001234567890:42')).toEqual({
      countedAs: '-1001234567890',
      limits: [
        { messages: 1, perSeconds: 1 },
        { messages: 20, perSeconds: 60 },
      ],
    });
  });

  it('refuses for good a channel id that is not a Telegram chat', async () => {
    await expect(adapter.post('C0123ABC', { title: 't', severity: 'info', blocks: [], actions: [] })).rejects.toMatchObject({
      kind: 'permanent',
      message: '"C0123ABC" is not a Telegram chat id, or chat id:topic id (like -1001234567890 or -1001234567890:42)',
    });
  });
});
