/** The worker's delivery loop as a scheduled job: every tick, on every worker, send what is due. */
import type { ChatAdapter } from '../chat/chat-adapter.ts';
import type { Logger } from '../logger.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { everySeconds } from '../scheduler/schedules.ts';
import { DEFAULT_DELIVERY, deliverDue } from './deliver.ts';
import type { DeliveryObserver } from './delivery-observer.ts';

/** A run keeps claiming while batches come back full, for at most this long (then the next tick). */
const RUN_BUDGET_MS = 10_000;

export function deliveryJob(
  orm: Orm,
  adapters: ReadonlyMap<string, ChatAdapter>,
  tickSeconds: number,
  logger?: Logger,
  options = DEFAULT_DELIVERY,
  observer?: DeliveryObserver,
): ScheduledJob {
  return {
    name: 'deliver-notifications',
    schedule: everySeconds(tickSeconds),
    // Every worker delivers: rows are claimed with SKIP LOCKED and a lease, and the per-channel
    // limit is counted in the database. The scheduler keeps one worker's runs from overlapping.
    runsOn: 'every-worker',
    async run(now) {
      const pool = await orm.em.getConnection().getNativeClient();
      const started = Date.now();
      let at = now;
      for (;;) {
        const report = await deliverDue(pool, adapters, at, { ...options, observer }, logger);
        if (report.sent + report.retried + report.failed < options.batchSize || Date.now() - started > RUN_BUDGET_MS) return;
        at = new Date(now.getTime() + (Date.now() - started));
      }
    },
  };
}
