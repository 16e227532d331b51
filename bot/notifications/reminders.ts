/**
 * Reminders: while an event stays open — not acked, not resolved — and nothing is muted, each
 * channel that got the alert hears about it again every `everySeconds` (a reply under the
 * original alert). Ack stops them; so does a mute, for as long as it lasts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';

export async function enqueueReminders(em: EntityManager, now: Date, everySeconds: number): Promise<number> {
  const dueBefore = new Date(now.getTime() - everySeconds * 1000);
  const result = await em.execute<{ affectedRows: number }>(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), o.event_id, o.subscription_id, 'reminder', 'pending', 0, ?, ?
       from notification o
       join event e on e.id = o.event_id and e.state = 'open'
       join instance i on i.id = e.instance_id
       cross join (select ?::timestamptz as at) as clock
      where o.action = 'open' and o.state = 'sent' and o.sent_at <= ?
        and o.subscription_id in (${receivingSubscriptionsSql({ workspaceId: 'i.workspace_id', instanceId: 'i.id', kind: 'e.kind', at: 'clock.at' })})
        and not exists (
          select 1 from notification r
           where r.event_id = o.event_id and r.subscription_id = o.subscription_id and r.action = 'reminder'
             and (r.state = 'pending' or r.created_at > ?)
        )`,
    [now, now, now, dueBefore, dueBefore],
    'run',
  );
  return result.affectedRows;
}

/** Every minute, on one leader: queue the reminders that are due (delivery sends them). */
export function remindersJob(orm: Orm, everySeconds: number): ScheduledJob {
  return {
    name: 'enqueue-reminders',
    schedule: '*/1 * * * *',
    runsOn: 'one-worker',
    async run(now) {
      await enqueueReminders(orm.em.fork(), now, everySeconds);
    },
  };
}
