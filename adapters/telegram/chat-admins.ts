/**
 * "Is this person the chat's creator or one of its administrators?" — asked of `getChatMember`
 * and remembered for a minute, so a burst of commands costs one call and a demotion takes effect
 * within a minute. When Telegram cannot answer, the answer is no: a refusal is safer than a wrong yes.
 */
import type { Api } from 'grammy';

export const ADMIN_CACHE_SECONDS = 60;

export interface ChatAdmins {
  isAdmin(chatId: number, userId: number): Promise<boolean>;
}

export function chatAdmins(api: Api, clock: () => Date, onError: (error: unknown) => void): ChatAdmins {
  const cache = new Map<string, { admin: boolean; until: number }>();
  return {
    async isAdmin(chatId, userId) {
      const key = `${chatId}:${userId}`;
      const now = clock().getTime();
      const cached = cache.get(key);
      if (cached && cached.until > now) return cached.admin;
      let admin: boolean;
      try {
        const member = await api.getChatMember(chatId, userId);
        admin = member.status === 'creator' || member.status === 'administrator';
      } catch (error) {
        onError(error);
        return false;
      }
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { admin, until: now + ADMIN_CACHE_SECONDS * 1000 });
      return admin;
    },
  };
}
