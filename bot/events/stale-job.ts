/**
 * The scheduled job that watches for silent agents: every tick, on one leader, evaluates the stale
 * rule over the fleet. Each change is written together with its notifications; `onChanges` hears
 * about them afterwards (for the log).
 */
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import type { EventChange } from './event-store.ts';
import { evaluateStale } from './evaluate-stale.ts';

/** A node-cron expression for "every `seconds`": sub-minute ticks use the seconds field. */
export function everySeconds(seconds: number): string {
  if (seconds < 60 && 60 % seconds === 0) return `*/${seconds} * * * * *`;
  if (seconds % 60 === 0 && seconds < 3600 && 3600 % seconds === 0) return `*/${seconds / 60} * * * *`;
  throw new Error(`a tick of ${seconds}s does not divide a minute or an hour evenly; use 1s–30s or whole minutes like 1m, 5m`);
}

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
