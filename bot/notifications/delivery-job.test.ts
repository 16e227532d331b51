import { afterAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage, TEST_DATABASE_CONFIG } from '../../test/support/databases.ts';
import { recordingAdapter } from '../../test/support/recording-adapter.ts';
import { applyDecisions } from '../events/event-store.ts';
import { asMessage } from '../messages/alert-message.ts';
import { createLogger } from '../logger.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { openDatabase, type Database } from '../storage/orm.ts';
import { DEFAULT_DELIVERY } from './deliver.ts';
import { deliveryJob } from './delivery-job.ts';
import { enqueueNotifications } from './enqueue.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describeStorage('delivery on every worker', (db) => {
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });

  it('two workers deliver a burst to one channel exactly once, within the one per-channel limit', async () => {
    const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', 'team-burst'], env);
    // Twelve instances, each in trouble: one message each (one instance's burst is one message).
    for (let n = 1; n <= 12; n++) await cli(['instance', 'add', `vps-burst-${n}`, '--workspace', 'team-burst'], env);
    const instances = await sql<{ id: string; workspace_id: string }>(`select id, workspace_id from instance where name like 'vps-burst-%' order by name`);
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'fleet', 'C-BURST', now(), 'test')`, [
      instances[0]!.workspace_id,
    ]);
    for (const [n, instance] of instances.entries()) {
      const changes = await applyDecisions(db().database.orm.em.fork(), instance.id, 'cron-failed', [{ action: 'open' as const, key: 'k', summary: `cron-failed ${n}`, details: {} }], NOW);
      await enqueueNotifications(db().database.orm.em.fork(), changes, NOW);
    }

    // Two workers as two processes would be: each its own pool, scheduler and adapter. Small
    // batches, so both claim rows of the burst and both take slots of the channel's limit.
    const options = { ...DEFAULT_DELIVERY, batchSize: 2, maxPerChannelPerSecond: 5 };
    const logger = createLogger({ level: 'silent' });
    const workers = await Promise.all(
      ['a', 'b'].map(async () => {
        const database = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } });
        opened.push(database);
        const adapter = recordingAdapter('fleet');
        const scheduler = new Scheduler(database.orm, logger, [deliveryJob(database.orm, new Map([['fleet', adapter]]), 60, logger, options)]);
        return { adapter, scheduler };
      }),
    );
    const posted = () => workers.flatMap((w) => w.adapter.calls.map((c) => (c.call === 'post' ? JSON.stringify(asMessage(c.message).blocks) : c.call)));
    const perSecond: number[] = [];
    for (const second of [0, 1, 2, 3]) {
      const before = posted().length;
      await Promise.all(workers.map((w) => w.scheduler.runNow('deliver-notifications', later(second))));
      perSecond.push(posted().length - before);
    }
    for (const w of workers) await w.scheduler.stop();

    expect(perSecond).toEqual([5, 5, 2, 0]);
    expect(posted()).toHaveLength(12);
    expect(new Set(posted()).size).toBe(12);
    if (db().backend === 'postgres') {
      // Neither worker is a leader that delivers for the other: both sent.
      for (const w of workers) expect(w.adapter.calls.length).toBeGreaterThan(0);
    }
    expect(await sql(`select count(*)::int as n from notification n join subscription s on s.id = n.subscription_id where s.platform = 'fleet' and n.state <> 'sent'`)).toEqual([{ n: 0 }]);
  });

  it('asks to be woken when a grouped alert leaves its wait before the next tick, not a tick later', async () => {
    const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', 'team-wake'], env);
    await cli(['instance', 'add', 'vps-wake', '--workspace', 'team-wake'], env);
    const [instance] = await sql<{ id: string; workspace_id: string }>(`select id, workspace_id from instance where name = 'vps-wake'`);
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'fleet', 'C-WAKE', now(), 'test')`, [instance!.workspace_id]);
    const changes = await applyDecisions(db().database.orm.em.fork(), instance!.id, 'security', [{ action: 'open', key: 'bind', summary: 'bind lan', details: {} }], NOW);
    await enqueueNotifications(db().database.orm.em.fork(), changes, NOW);
    const adapter = recordingAdapter('fleet');
    const woken: Date[] = [];
    const job = deliveryJob(db().database.orm, new Map([['fleet', adapter]]), 5, undefined, { ...DEFAULT_DELIVERY, groupWaitSeconds: 30 }, undefined, (at) => woken.push(at));
    // 27 s in: the next tick (32 s) would be 2 s late; the wake is for 30 s, 3 s from now.
    const before = Date.now();
    await job.run(later(27), new AbortController().signal);
    expect(adapter.calls).toEqual([]);
    expect(woken).toHaveLength(1);
    expect(woken[0]!.getTime() - before).toBeGreaterThan(2000);
    expect(woken[0]!.getTime() - before).toBeLessThan(3500);
    // 20 s in, the wait ends after the next tick: no wake, the tick will do.
    await job.run(later(20), new AbortController().signal);
    expect(woken).toHaveLength(1);
    await job.run(later(30), new AbortController().signal);
    expect(adapter.calls.filter((c) => c.call === 'post')).toHaveLength(1);
  });
});
