/**
 * Refuses a signed chat request seen before. A signature proves a request came from the platform,
 * not that it came only once: someone who captured one could send it again inside its 5-minute
 * window. Remembering each signature in Postgres for that window makes a replay fail on every web
 * process, not only on the one that saw the original.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import type { Orm } from '../storage/orm.ts';

/**
 * True the first time `signature` is presented within `windowSeconds`; false for a replay. Rows
 * past the window are pruned in the same statement (chat traffic is human-sized, so this stays tiny).
 */
export async function isFirstSighting(em: EntityManager, platform: string, signature: string, now: Date, windowSeconds: number): Promise<boolean> {
  const key = `${platform}:${createHash('sha256').update(signature).digest('hex')}`;
  const rows = await em.execute<{ key: string }[]>(
    `with pruned as (delete from inbound_request where seen_at < ?)
     insert into inbound_request (key, seen_at) values (?, ?) on conflict do nothing returning key`,
    [new Date(now.getTime() - 2 * windowSeconds * 1000), key, now],
  );
  return rows.length === 1;
}

/** The guard as adapters use it: one platform, its signature window, a fresh unit of work per request. */
export function replayGuard(orm: Orm, platform: string, windowSeconds: number): (signature: string, now: Date) => Promise<boolean> {
  return (signature, now) => isFirstSighting(orm.em.fork(), platform, signature, now, windowSeconds);
}
