/**
 * Instance names to offer while someone types one (Discord's autocomplete): those of the workspace
 * the chat is linked to, names starting with what was typed first, then names containing it. An
 * unlinked chat gets none. Read-only, and cheap enough to answer within Discord's 3 seconds.
 */
import { Instance } from '../storage/entities/index.ts';
import type { Orm } from '../storage/orm.ts';
import { linkedWorkspace } from './command-core.ts';

export async function instanceSuggestions(orm: Orm, input: { platform: string; chatId: string; typed: string; limit: number }): Promise<string[]> {
  const em = orm.em.fork();
  const workspace = await linkedWorkspace(em, input.platform, input.chatId);
  if (!workspace) return [];
  const names = (await em.find(Instance, { workspace }, { orderBy: { name: 'asc' }, fields: ['name'] })).map((instance) => instance.name);
  const typed = input.typed.trim().toLowerCase();
  const starting = names.filter((name) => name.startsWith(typed));
  const containing = names.filter((name) => !name.startsWith(typed) && name.includes(typed));
  return [...starting, ...containing].slice(0, input.limit);
}
