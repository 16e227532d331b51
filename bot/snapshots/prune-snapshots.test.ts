import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
import { runAsLeader } from '../scheduler/run-as-leader.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { pruneSnapshotsBefore, pruneSnapshotsJob } from './prune-snapshots.ts';

describeStorage('snapshot retention', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    db().database.orm.em.getConnection().execute<T[]>(text, params);

  async function seed(name: string, daysAgo: number[]): Promise<string> {
    await cli(['instance', 'add', name], { env: { DATABASE_URL: db().url } });
    const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    for (const days of daysAgo) {
      await sql(
        `insert into snapshot (instance_id, snapshot_id, seq, received_at, sent_at, next_sync_before, body)
         values (?, gen_random_uuid(), 1, now() - make_interval(days => ?), now(), now(), '\\x00')`,
        [row!.id, days],
      );
    }
    return row!.id;
  }

  it('deletes snapshots received before the cutoff and keeps the rest', async () => {
    const id = await seed('retained', [1, 13, 15, 30]);
    const deleted = await pruneSnapshotsBefore(db().database.orm, new Date(Date.now() - 14 * 86_400_000));
    expect(deleted).toBe(2);
    const [left] = await sql<{ n: number }>('select count(*)::int as n from snapshot where instance_id = ?', [id]);
    expect(left!.n).toBe(2);
  });

  it('runs as a scheduled job on one leader at a time', async () => {
    await seed('scheduled', [20]);
    const logger = createLogger({ level: 'silent' });
    const pruned: number[] = [];
    const scheduler = new Scheduler(db().database.orm, logger, [pruneSnapshotsJob(db().database.orm, 14, (count) => pruned.push(count))]);
    await scheduler.runNow('prune-snapshots', new Date());
    expect(pruned).toEqual([1]);
    await scheduler.stop();
  });

  it('lets only one process lead a job at a time', async () => {
    const orm = db().database.orm;
    if (db().backend === 'embedded') {
      // PGlite serves every connection from one session, where advisory locks are re-entrant;
      // the embedded database has exactly one process anyway.
      return expect(await runAsLeader(orm, 'solo', async () => {})).toBe(true);
    }
    let inside = 0;
    let overlapped = false;
    const work = async () => {
      inside += 1;
      if (inside > 1) overlapped = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
      inside -= 1;
    };
    const results = await Promise.all([runAsLeader(orm, 'exclusive', work), runAsLeader(orm, 'exclusive', work)]);
    expect(results.sort()).toEqual([false, true]);
    expect(overlapped).toBe(false);
  });
});
