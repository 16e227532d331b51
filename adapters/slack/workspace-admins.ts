/**
 * "Is this person a Slack workspace admin or owner?" — asked of `users.info` and remembered for a
 * minute, so a burst of commands costs one call, and a demotion takes effect within a minute.
 * When Slack cannot answer, the answer is no: a refusal is safer than a wrong yes.
 */
import type { webApi } from '@slack/bolt';

export const ADMIN_CACHE_SECONDS = 60;

export interface WorkspaceAdmins {
  isAdmin(teamId: string, userId: string): Promise<boolean>;
}

export function workspaceAdmins(client: webApi.WebClient, clock: () => Date, onError: (error: unknown) => void): WorkspaceAdmins {
  const cache = new Map<string, { admin: boolean; until: number }>();
  return {
    async isAdmin(teamId, userId) {
      const key = `${teamId}:${userId}`;
      const now = clock().getTime();
      const cached = cache.get(key);
      if (cached && cached.until > now) return cached.admin;
      let admin = false;
      try {
        const { user } = await client.users.info({ user: userId });
        admin = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
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
