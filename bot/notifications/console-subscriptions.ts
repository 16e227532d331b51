/**
 * The console's subscriptions exist while a worker prints alerts to a terminal: each workspace
 * gets one when such a worker starts (idempotent), and they go when a worker starts with console
 * alerts off, since alerts queued for a console nobody prints would wait in the outbox for good
 * (and hold its oldest-pending age up).
 */
import type { Pool } from 'pg';

export async function ensureConsoleSubscriptions(pool: Pool, channelId: string): Promise<void> {
  await pool.query(
    `insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by)
     select gen_random_uuid(), w.id, 'console', $1, now(), 'system' from workspace w
     on conflict (workspace_id, platform, channel_id) do nothing`,
    [channelId],
  );
}

/**
 * Removes the console's subscriptions, and with them their queued alerts, when this worker prints
 * none. Only the system's own console rows go: a chat channel is never touched.
 */
export async function removeConsoleSubscriptions(pool: Pool, channelId: string): Promise<number> {
  const { rowCount } = await pool.query(`delete from subscription where platform = 'console' and channel_id = $1 and created_by = 'system'`, [channelId]);
  return rowCount ?? 0;
}
