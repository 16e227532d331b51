/** The worker's delivery loop as a scheduled job: every tick, on every worker, send what is due. */
import type { Pool } from 'pg';
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
  /** Told when (wall clock) the next message in its group wait may go, if before the next tick. */
  wake?: (at: Date) => void,
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
      const clock = () => new Date(now.getTime() + (Date.now() - started));
      for (;;) {
        const report = await deliverDue(pool, adapters, clock(), { ...options, observer }, logger);
        if (report.sent + report.retried + report.failed < options.batchSize || Date.now() - started > RUN_BUDGET_MS) break;
      }
      // An incident's message leaving its group wait before the next tick should go then, not up
      // to a tick late: say when, and the caller nudges a run at that moment.
      if (wake) {
        const dueAt = await nextGroupWaitEnd(pool, clock(), options.groupWaitSeconds ?? 0);
        if (dueAt && dueAt.getTime() < now.getTime() + tickSeconds * 1000) wake(new Date(Date.now() + Math.max(0, dueAt.getTime() - clock().getTime())));
      }
    },
  };
}

/** When the next incident's message still in its group wait may go; undefined if none waits. */
async function nextGroupWaitEnd(pool: Pool, now: Date, groupWaitSeconds: number): Promise<Date | undefined> {
  if (groupWaitSeconds <= 0) return undefined;
  const { rows } = await pool.query<{ due_at: Date | null }>(
    `select min(gi.opened_at) + make_interval(secs => $2) as due_at
       from notification n join event ge on ge.id = n.event_id join incident gi on gi.id = ge.incident_id
      where n.state = 'pending' and n.action = 'open' and gi.opened_at > $1::timestamptz - make_interval(secs => $2)`,
    [now, groupWaitSeconds],
  );
  const dueAt = rows[0]?.due_at;
  return dueAt ? new Date(dueAt) : undefined;
}
