/**
 * Runs `work` only if no other process is running the same job right now: any number of workers
 * may tick, exactly one does the work. Leadership is a session-level Postgres advisory lock held
 * on one pooled connection for the duration of the run.
 */
import type { Orm } from '../storage/orm.ts';

/** Returns whether this process was the leader (and ran `work`). */
export async function runAsLeader(orm: Orm, jobName: string, work: () => Promise<void>): Promise<boolean> {
  const pool = await orm.em.getConnection().getNativeClient();
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ leader: boolean }>('select pg_try_advisory_lock(hashtext($1)) as leader', [`deepclaw:${jobName}`]);
    if (!rows[0]?.leader) return false;
    try {
      await work();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [`deepclaw:${jobName}`]);
    }
    return true;
  } finally {
    client.release();
  }
}
