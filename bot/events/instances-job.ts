/**
 * The scheduled job for every rule but stale: each tick, on one leader, evaluates the instances
 * that sent a snapshot since the previous run, and those with an open event whose rule moves with
 * time alone (cost recovery, error windows, a missed run's lateness). Gateway-down, cron-failed
 * and security depend on the snapshot only: without a new one, their answer cannot change. Live
 * instances sync every interval, so each is evaluated at least that often; a silent one is
 * stale's business.
 */
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import type { EventChange } from './event-store.ts';
import { evaluateInstances } from './evaluate-instances.ts';
import { everySeconds } from '../scheduler/schedules.ts';

/**
 * How far before the previous run to look again: a snapshot's `last_seen_at` is stamped when it
 * arrives and becomes visible when its batch commits, a moment later.
 */
const COMMIT_SLACK_MS = 2000;

export function instancesJob(orm: Orm, options: { tickSeconds: number; onChanges(changes: EventChange[]): void }): ScheduledJob {
  let previousRun: Date | undefined;
  return {
    name: 'evaluate-instances',
    schedule: everySeconds(options.tickSeconds),
    runsOn: 'one-worker',
    async run(now) {
      // A process that just became leader does not know where the last one stopped: look back three ticks.
      const since = new Date((previousRun?.getTime() ?? now.getTime() - 3 * options.tickSeconds * 1000) - COMMIT_SLACK_MS);
      const em = orm.em.fork();
      // Usage rules need usage read, the bulk of a tick: only where it changed or an event waits on it.
      const due = await em.execute<{ instance_id: string; usage: boolean }[]>(
        `select instance_id, bool_or(usage) as usage from (
           select instance_id, true as usage from instance_state where last_seen_at >= ?
           union all
           select instance_id, kind in ('cost-drift', 'error-spike') from event
            where state <> 'resolved' and kind in ('cost-drift', 'error-spike', 'cron-missed')
         ) due group by instance_id`,
        [since],
      );
      const changes = await evaluateInstances(
        em,
        due.map((row) => row.instance_id),
        now,
        { withUsage: new Set(due.filter((row) => row.usage).map((row) => row.instance_id)) },
      );
      previousRun = now;
      if (changes.length > 0) options.onChanges(changes);
    },
  };
}
