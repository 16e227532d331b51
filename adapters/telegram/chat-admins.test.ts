import type { Api } from 'grammy';
import { describe, expect, it } from 'vitest';
import { ADMIN_CACHE_SECONDS, chatAdmins } from './chat-admins.ts';

function fakeApi(statuses: Map<number, string>) {
  const asked: number[] = [];
  const api = {
    async getChatMember(_chatId: number, userId: number) {
      asked.push(userId);
      const status = statuses.get(userId);
      if (status === 'error') throw new Error('Network request failed');
      return { status: status ?? 'member', user: { id: userId, is_bot: false, first_name: 'x' } };
    },
  } as unknown as Api;
  return { api, asked };
}

describe("a Telegram chat's admins", () => {
  it('are its creator and administrators, asked once a minute per person', async () => {
    let now = new Date('2026-12-02T10:00:00Z');
    const statuses = new Map([
      [1, 'creator'],
      [2, 'administrator'],
      [3, 'member'],
      [4, 'restricted'],
    ]);
    const { api, asked } = fakeApi(statuses);
    const admins = chatAdmins(api, () => now, () => undefined);
    expect(await Promise.all([1, 2, 3, 4].map((id) => admins.isAdmin(-100, id)))).toEqual([true, true, false, false]);
    expect(await admins.isAdmin(-100, 2)).toBe(true);
    expect(asked).toEqual([1, 2, 3, 4]);
    // A demotion counts once the minute is over.
    statuses.set(2, 'member');
    now = new Date(now.getTime() + ADMIN_CACHE_SECONDS * 1000);
    expect(await admins.isAdmin(-100, 2)).toBe(false);
    expect(asked).toEqual([1, 2, 3, 4, 2]);
  });

  it('answer no when Telegram cannot say, and ask again next time', async () => {
    const errors: unknown[] = [];
    const { api, asked } = fakeApi(new Map([[5, 'error']]));
    const admins = chatAdmins(api, () => new Date(), (error) => errors.push(error));
    expect(await admins.isAdmin(-100, 5)).toBe(false);
    expect(await admins.isAdmin(-100, 5)).toBe(false);
    expect(asked).toEqual([5, 5]);
    expect(errors).toHaveLength(2);
  });
});
