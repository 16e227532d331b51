/**
 * The scheduled job for every rule but stale: each tick, on one leader, evaluates the instances
 * that sent a snapshot since the previous run, and those with an open event whose rule moves with
 * time alone (cost recovery, error windows, a missed run's lateness, a budget's month turning). Gateway-down, cron-failed
 * and security depend on the snapshot only: without a new one, their answer cannot change. Live
 * instances sync every interval, so each is evaluated at least that often; a silent one is
 * stale's business.
 *
 * An instance is judged here at most once a {@link REJUDGE_AFTER_MS}: one whose agent syncs every
 * few seconds waits, and is then judged on its newest state, which includes every snapshot since.
 * What cannot wait was judged already: a snapshot that changes a snapshot rule's answer (gateway,
 * security, cron list) is evaluated the moment it is stored (instant-evaluation.ts), and the usage
 * rules read hourly buckets, which a minute's delay does not blunt. Agents on the default
 * five-minute interval never wait; without this, a fleet syncing every few seconds made the tick
 * half of what the embedded database did (bench/ingest.ts --embedded).
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

/** An instance judged less than this long ago waits for the next run after it. */
export const REJUDGE_AFTER_MS = 60_000;

export function instancesJob(orm: Orm, options: { tickSeconds: number; onChanges(changes: EventChange[]): void }): ScheduledJob {
  // Ticks shorter than the default are for the demo and tests, which want every snapshot judged.
  const rejudgeAfterMs = options.tickSeconds < 5 ? 0 : REJUDGE_AFTER_MS;
  let previousRun: Date | undefined;
  /** Instances that synced and were not judged since. */
  const waiting = new Set<string>();
  /** When each instance was last judged, for those judged within REJUDGE_AFTER_MS. */
  const judgedAt = new Map<string, number>();
  return {
    name: 'evaluate-instances',
    schedule: everySeconds(options.tickSeconds),
    runsOn: 'one-worker',
    async run(now) {
      // A process that just became leader does not know where the last one stopped: look back
      // three ticks. What the last one kept waiting syncs every few seconds (that is why it
      // waited), so its next snapshot brings it here; if it fell silent instead, it goes stale.
      const lookBackMs = previousRun ? now.getTime() - previousRun.getTime() : 3 * options.tickSeconds * 1000;
      const since = new Date(now.getTime() - lookBackMs - COMMIT_SLACK_MS);
      const em = orm.em.fork();
      // Usage rules need usage read, the bulk of a tick: only where it changed or an event waits on it.
      const due = await em.execute<{ instance_id: string; synced: boolean; moving: boolean; usage_event: boolean }[]>(
        `select instance_id, bool_or(synced) as synced, bool_or(moving) as moving, bool_or(usage_event) as usage_event from (
           select instance_id, true as synced, false as moving, false as usage_event from instance_state where last_seen_at >= ?
           union all
           select instance_id, false, true, kind in ('cost-drift', 'error-spike') from event
            where state <> 'resolved' and kind in ('cost-drift', 'error-spike', 'cron-missed', 'budget')
         ) due group by instance_id`,
        [since],
      );
      for (const [id, at] of judgedAt) if (now.getTime() - at >= rejudgeAfterMs) judgedAt.delete(id);
      const judge = new Set<string>();
      const withUsage = new Set<string>();
      for (const row of due) {
        // Every snapshot carries the current hour's usage: a synced instance's usage changed.
        if (row.synced) waiting.add(row.instance_id);
        // An open event that moves with time is judged every run: its figures and its end are due.
        if (row.moving) judge.add(row.instance_id);
        if (row.usage_event) withUsage.add(row.instance_id);
      }
      for (const id of waiting) {
        if (judgedAt.has(id) && !judge.has(id)) continue;
        judge.add(id);
        withUsage.add(id);
      }
      const changes = await evaluateInstances(em, [...judge], now, { withUsage });
      for (const id of judge) {
        waiting.delete(id);
        judgedAt.set(id, now.getTime());
      }
      previousRun = now;
      if (changes.length > 0) options.onChanges(changes);
    },
  };
}
