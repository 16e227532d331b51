/**
 * With no chat platform configured, every workspace's alerts go to the console adapter: this
 * makes sure each workspace has a console subscription (idempotent, run at start-up).
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
