/**
 * The scheduled job that watches for silent agents: every tick, on one leader, evaluates the stale
 * rule over the fleet. Each change is written together with its notifications; `onChanges` hears
 * about them afterwards (for the log).
 */
import { everySeconds } from '../scheduler/schedules.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import type { EventChange } from './event-store.ts';
import { evaluateStale } from './evaluate-stale.ts';

export function staleJob(orm: Orm, options: { tickSeconds: number; staleGraceSeconds?: number; onChanges(changes: EventChange[]): void }): ScheduledJob {
  return {
    name: 'evaluate-stale',
    schedule: everySeconds(options.tickSeconds),
    runsOn: 'one-worker',
    async run(now) {
      const changes = await evaluateStale(orm.em.fork(), now, { graceSeconds: options.staleGraceSeconds });
      if (changes.length > 0) options.onChanges(changes);
    },
  };
}
