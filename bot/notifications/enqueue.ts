/**
 * Turns event changes into outbox rows: an open notifies every channel that receives the event
 * (bot/subscriptions/receiving-subscriptions.ts: subscribed to its workspace and kind, enabled,
 * nothing muted); a resolve goes to the channels that got the open, so the original alert can be
 * edited. Unique indexes make a repeat insert a no-op. Stale opens of several instances at once
 * are alerted as one group (stale-groups.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventChange } from '../events/event-store.ts';
import { groupStaleOpens, noticeGroupedResolves } from './stale-groups.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';

/** Inside the caller's transaction (em.execute), so an event and its notifications commit together. */
export async function enqueueNotifications(em: EntityManager, changes: readonly EventChange[], now: Date): Promise<number> {
  const grouped = await groupStaleOpens(
    em,
    changes.filter((c) => c.change === 'opened' && c.kind === 'stale'),
    now,
  );
  const opened = changes.filter((c) => c.change === 'opened' && !grouped.has(c.eventId));
  const resolved = changes.filter((c) => c.change === 'resolved');
  const flapping = changes.filter((c) => c.change === 'flapping');
  let created = 0;
  if (opened.length > 0) {
    const result = await em.execute<{ affectedRows: number }>(
      `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
       select gen_random_uuid(), e.id, r.subscription_id, 'open', 'pending', 0, ?, ?
         from unnest(?::uuid[], ?::text[]) as c(event_id, kind)
         join event e on e.id = c.event_id
         join instance i on i.id = e.instance_id
         cross join (select ?::timestamptz as at) as clock
         cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'i.workspace_id', instanceId: 'i.id', kind: 'c.kind', at: 'clock.at' })}) r
       on conflict do nothing`,
      [now, now, sqlArray(opened.map((c) => c.eventId)), sqlArray(opened.map((c) => c.kind)), now],
      'run',
    );
    created += result.affectedRows;
  }
  // A resolve edits the original alert; a flapping notice replies under it (one, not a page per flip).
  created += await notifyChannelsThatGotTheOpen(em, resolved, 'resolve', now);
  created += await notifyChannelsThatGotTheOpen(em, flapping, 'flapping', now);
  await noticeGroupedResolves(em, resolved, now);
  return created;
}

/** An ack redraws the alert where it was posted: who acknowledged it, and no Ack button (ack-redraw.ts). */
export async function enqueueAckRedraw(em: EntityManager, eventId: string, now: Date): Promise<number> {
  return notifyChannelsThatGotTheOpen(em, [{ eventId }], 'ack', now);
}

async function notifyChannelsThatGotTheOpen(em: EntityManager, changes: readonly Pick<EventChange, 'eventId'>[], action: 'resolve' | 'flapping' | 'ack', now: Date): Promise<number> {
  if (changes.length === 0) return 0;
  const result = await em.execute<{ affectedRows: number }>(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), o.event_id, o.subscription_id, ?, 'pending', 0, ?, ?
       from notification o join subscription s on s.id = o.subscription_id
      where o.event_id = any(?::uuid[]) and o.action = 'open' and o.state <> 'grouped' and s.disabled_at is null
     on conflict do nothing`,
    [action, now, now, sqlArray(changes.map((c) => c.eventId))],
    'run',
  );
  return result.affectedRows;
}
