/**
 * Retention for the raw snapshot history: rows older than the retention window are deleted in
 * slices, so a large backlog never holds one long lock (the received_at index serves the scan).
 */
import type { Orm } from '../storage/orm.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';

const SLICE = 5000;

/** Deletes snapshots received before `cutoff`; returns how many. */
export async function pruneSnapshotsBefore(orm: Orm, cutoff: Date): Promise<number> {
  const connection = orm.em.getConnection();
  let total = 0;
  for (;;) {
    const deleted = await connection.execute<{ count: number }[]>(
      `with doomed as (select ctid from snapshot where received_at < ? limit ${SLICE})
       delete from snapshot where ctid in (select ctid from doomed)`,
      [cutoff],
      'run',
    );
    const count = (deleted as unknown as { affectedRows: number }).affectedRows;
    total += count;
    if (count < SLICE) return total;
  }
}

export function pruneSnapshotsJob(orm: Orm, retentionDays: number, onPruned: (count: number) => void): ScheduledJob {
  return {
    name: 'prune-snapshots',
    schedule: '17 * * * *',
    runsOn: 'one-worker',
    async run(now) {
      const count = await pruneSnapshotsBefore(orm, new Date(now.getTime() - retentionDays * 86_400_000));
      if (count > 0) onPruned(count);
    },
  };
}
