/**
 * Turns event changes into outbox rows. Opens file into their instance's incident (incidents.ts):
 * one message per instance's trouble, for every channel that receives one of its kinds
 * (bot/subscriptions/receiving-subscriptions.ts: subscribed to its workspace and kind, enabled,
 * nothing muted), edited as problems join and resolve. An instance's first snapshot is announced
 * as one message (first-contact.ts). Stale opens of several instances at once are alerted as one
 * fleet group (stale-groups.ts). Unique indexes make a repeat insert a no-op.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventChange } from '../events/event-store.ts';
import type { ConnectedState } from '../messages/incident-message.ts';
import { queueConnectedNotice } from './first-contact.ts';
import { openIntoIncidents, resolveFromIncidents } from './incidents.ts';
import { groupStaleOpens, noticeGroupedResolves } from './stale-groups.ts';
import { sqlArray } from '../storage/sql-array.ts';

/** What the evaluation knows beside the changes: instances making their first contact, with their state. */
export interface EnqueueContext {
  connected?: ReadonlyMap<string, ConnectedState>;
}

/** Inside the caller's transaction (em.execute), so an event and its notifications commit together. */
export async function enqueueNotifications(em: EntityManager, changes: readonly EventChange[], now: Date, context: EnqueueContext = {}): Promise<void> {
  const grouped = await groupStaleOpens(
    em,
    changes.filter((c) => c.change === 'opened' && c.kind === 'stale'),
    now,
  );
  const opened = changes.filter((c) => c.change === 'opened');
  const resolved = changes.filter((c) => c.change === 'resolved');
  const flapping = changes.filter((c) => c.change === 'flapping');
  await openIntoIncidents(em, opened, now, { silenced: grouped, connected: context.connected });
  // A first contact with nothing wrong is still one message: "my-vps connected", with its state.
  for (const [instanceId, state] of context.connected ?? []) {
    if (!opened.some((c) => c.instanceId === instanceId)) await queueConnectedNotice(em, instanceId, state, now);
  }
  const inIncidents = await resolveFromIncidents(em, resolved, now);
  // Events opened before incidents existed resolve on their own alert: an edit and a reply.
  await notifyChannelsThatGotTheOpen(em, resolved.filter((c) => !inIncidents.has(c.eventId)), 'resolve', now);
  // A flapping notice replies under the message that carries the event (one, not a page per flip).
  await notifyChannelsThatGotTheOpen(em, flapping, 'flapping', now);
  await noticeGroupedResolves(em, resolved, now);
}

/**
 * An ack redraws the message where it was posted: who acknowledged it, and no Ack button
 * (ack-redraw.ts). An event alerted in an incident redraws the incident's message, on its leader.
 */
export async function enqueueAckRedraw(em: EntityManager, eventId: string, now: Date): Promise<number> {
  const [row] = await em.execute<{ leader_event_id: string | null }[]>(
    `select inc.leader_event_id from event e left join incident inc on inc.id = e.incident_id where e.id = ?`,
    [eventId],
  );
  return notifyChannelsThatGotTheOpen(em, [{ eventId: row?.leader_event_id ?? eventId }], 'ack', now);
}

/**
 * `action` on each event, for every channel that got the message carrying it: its own alert, or
 * its incident's message (on the leader).
 */
async function notifyChannelsThatGotTheOpen(em: EntityManager, changes: readonly Pick<EventChange, 'eventId'>[], action: 'resolve' | 'flapping' | 'ack', now: Date): Promise<number> {
  if (changes.length === 0) return 0;
  const result = await em.execute<{ affectedRows: number }>(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), e.id, o.subscription_id, ?, 'pending', 0, ?, ?
       from event e
       left join incident inc on inc.id = e.incident_id
       join notification o on o.event_id = coalesce(inc.leader_event_id, e.id) and o.action = 'open' and o.state not in ('grouped', 'withdrawn')
       join subscription s on s.id = o.subscription_id
      where e.id = any(?::uuid[]) and s.disabled_at is null
     on conflict do nothing`,
    [action, now, now, sqlArray(changes.map((c) => c.eventId))],
    'run',
  );
  return result.affectedRows;
}
