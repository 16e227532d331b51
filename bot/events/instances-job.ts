/**
 * The scheduled job for every rule but stale: each tick, on one leader, evaluates the instances
 * that sent a snapshot since the previous tick (with overlap, so a leader change misses nothing)
 * and the instances with an open event, whose time-based rules (cron-missed, cost recovery, error
 * windows) move even without new data.
 */
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import type { EventChange } from './event-store.ts';
import { evaluateInstance } from './evaluate-instance.ts';
import { everySeconds } from './stale-job.ts';
import { overridesForInstance, thresholdsFrom } from './thresholds.ts';

export function instancesJob(orm: Orm, options: { tickSeconds: number; onChanges(changes: EventChange[]): void }): ScheduledJob {
  // Thresholds are read per instance on every run, so `deepclaw threshold set` applies at the next tick.
  return {
    name: 'evaluate-instances',
    schedule: everySeconds(options.tickSeconds),
    async run(now) {
      const em = orm.em.fork();
      const since = new Date(now.getTime() - 3 * options.tickSeconds * 1000);
      const due = await em.execute<{ instance_id: string }[]>(
        `select instance_id from instance_state where last_seen_at >= ?
         union
         select instance_id from event where state <> 'resolved' and kind <> 'stale'`,
        [since],
      );
      const changes: EventChange[] = [];
      for (const { instance_id } of due) {
        const thresholds = thresholdsFrom(await overridesForInstance(em, instance_id));
        changes.push(...(await evaluateInstance(em.fork(), instance_id, now, thresholds)));
      }
      if (changes.length > 0) options.onChanges(changes);
    },
  };
}
