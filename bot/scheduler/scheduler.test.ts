import { expect, it } from 'vitest';
import { describeStorage } from '../../test/support/databases.ts';
import { createLogger } from '../logger.ts';
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
});
