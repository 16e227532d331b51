/** The worker's delivery loop as a scheduled job: every tick, send what is due. */
import type { ChatAdapter } from '../chat/chat-adapter.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { everySeconds } from '../events/stale-job.ts';
import { deliverDue } from './deliver.ts';

export function deliveryJob(orm: Orm, adapters: ReadonlyMap<string, ChatAdapter>, tickSeconds: number): ScheduledJob {
  return {
    name: 'deliver-notifications',
    schedule: everySeconds(tickSeconds),
    // Claims are row-level (SKIP LOCKED), so every worker could deliver; the leader lock only
    // keeps one worker's ticks from overlapping with its own next tick.
    async run(now) {
      const pool = await orm.em.getConnection().getNativeClient();
      await deliverDue(pool, adapters, now);
    },
  };
}
