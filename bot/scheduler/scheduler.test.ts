import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
import { openDatabase } from '../storage/orm.ts';
import { TEST_DATABASE_CONFIG } from '../../test/support/databases.ts';
import { Scheduler } from './scheduler.ts';

describeStorage('the scheduler', (db) => {
  it('runs a nudged job at once, and nudges during a run collapse into one rerun', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const started: (() => void)[] = [];
    const job = {
      name: 'nudged',
      schedule: '0 0 1 1 *',
      runsOn: 'one-worker' as const,
      async run() {
        runs += 1;
        started.shift()?.();
        if (runs === 1) await new Promise<void>((resolve) => (release = resolve));
      },
    };
    const scheduler = new Scheduler(db().database.orm, createLogger({ level: 'silent' }), [job]);
    const firstStarted = new Promise<void>((resolve) => started.push(resolve));
    scheduler.runSoon('nudged');
    await firstStarted;
    const rerunStarted = new Promise<void>((resolve) => started.push(resolve));
    scheduler.runSoon('nudged');
    scheduler.runSoon('nudged');
    scheduler.runSoon('nudged');
    expect(runs).toBe(1);
    release();
    await rerunStarted;
    await scheduler.stop();
    expect(runs).toBe(2);
  });

  it('tells a running job that it is stopping, and waits for it to end', async () => {
    let sawStop = false;
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const job = {
      name: 'long',
      schedule: '0 0 1 1 *',
      runsOn: 'one-worker' as const,
      async run(_now: Date, stopping?: AbortSignal) {
        started();
        await new Promise<void>((resolve) => stopping!.addEventListener('abort', () => resolve()));
        sawStop = true;
      },
    };
    const scheduler = new Scheduler(db().database.orm, createLogger({ level: 'silent' }), [job]);
    scheduler.runSoon('long');
    await running;
    await scheduler.stop();
    expect(sawStop).toBe(true);
  });

  it('runs an every-worker job on two workers at once, and a one-worker job on one of them', async () => {
    const second = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } });
    try {
      const running = { 'every-worker': 0, 'one-worker': 0 };
      const most = { 'every-worker': 0, 'one-worker': 0 };
      const job = (runsOn: 'every-worker' | 'one-worker') => ({
        name: `job-${runsOn}`,
        schedule: '0 0 1 1 *',
        runsOn,
        async run() {
          running[runsOn] += 1;
          most[runsOn] = Math.max(most[runsOn], running[runsOn]);
          await new Promise((resolve) => setTimeout(resolve, 300));
          running[runsOn] -= 1;
        },
      });
      const logger = createLogger({ level: 'silent' });
      const workers = [db().database.orm, second.orm].map((orm) => new Scheduler(orm, logger, [job('every-worker'), job('one-worker')]));
      await Promise.all(workers.flatMap((w) => [w.runNow('job-every-worker'), w.runNow('job-one-worker')]));
      for (const w of workers) await w.stop();
      expect(most['every-worker']).toBe(2);
      // The embedded database has one session for every connection, so its advisory locks cannot
      // keep two of its own connections apart; one process owns it anyway.
      if (db().backend === 'postgres') expect(most['one-worker']).toBe(1);
    } finally {
      await second.close();
    }
  });
});
