/**
 * One message per instance's trouble. Inside the transaction that opened or resolved the events:
 *
 * - an event that opens while its instance has no open incident starts one; it leads it, and the
 *   incident's message is queued on the leader's `open` rows for every channel receiving any of
 *   the kinds that opened. Delivery holds that message for the group wait and draws the incident
 *   as it is then, so a burst arrives as one message ("my-vps: 3 problems");
 * - an event that opens while the incident is open joins it: channels that already have the
 *   message get an edit (`incident-update`) and, unless a cause explains it (inhibition.ts), a
 *   short reply about it (`incident-news`, spaced by the group interval at delivery); a channel
 *   that receives only the newcomer's kind gets the message;
 * - a member resolving edits the message; the last one closes the incident with the usual edit
 *   and reply (`resolve` on the leader). An incident that closes before its message went out is
 *   withdrawn: nobody is paged for trouble already over.
 *
 * Work on one instance's incident is serialised with a transaction-scoped advisory lock (and the
 * one-open-incident-per-instance index), so two workers cannot start two incidents or close one
 * while the other joins it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventKind } from '../events/decision.ts';
import type { EventChange } from '../events/event-store.ts';
import { CAUSE_KINDS, heldBy } from '../events/inhibition.ts';
import type { ConnectedState } from '../messages/incident-message.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';

/** Which member leads a new incident: a cause first, then what is critical. */
const LEAD_ORDER: EventKind[] = [...CAUSE_KINDS, 'security', 'error-spike', 'cron-failed', 'cron-missed', 'cost-drift', 'budget'];

export async function lockInstanceIncidents(em: EntityManager, instanceId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`deepclaw:incident:${instanceId}`]);
}

/**
 * Files opened events into their instances' incidents and queues what that tells the channels.
 * `silenced` are events another message covers (stale opens in a grouped fleet alert): they join
 * their incident, so it lists them, but page nobody themselves. `connected`: instances making
 * their first contact now, with their state.
 */
export async function openIntoIncidents(
  em: EntityManager,
  opened: readonly EventChange[],
  now: Date,
  context: { silenced: ReadonlySet<string>; connected?: ReadonlyMap<string, ConnectedState> },
): Promise<void> {
  const byInstance = new Map<string, EventChange[]>();
  for (const change of opened) byInstance.set(change.instanceId, [...(byInstance.get(change.instanceId) ?? []), change]);
  for (const [instanceId, changes] of byInstance) {
    await lockInstanceIncidents(em, instanceId);
    const memberIds = sqlArray(changes.map((c) => c.eventId));
    const paging = changes.filter((c) => !context.silenced.has(c.eventId));
    const [current] = await em.execute<{ id: string; leader_event_id: string }[]>(
      `select id, leader_event_id from incident where instance_id = ? and resolved_at is null`,
      [instanceId],
    );
    if (!current) {
      const leader = [...changes].sort((a, b) => LEAD_ORDER.indexOf(a.kind) - LEAD_ORDER.indexOf(b.kind))[0]!;
      const connected = context.connected?.get(instanceId);
      const [incident] = await em.execute<{ id: string }[]>(
        `insert into incident (id, instance_id, leader_event_id, opened_at, connected) values (gen_random_uuid(), ?, ?, ?, ?::jsonb) returning id`,
        [instanceId, leader.eventId, now, connected ? JSON.stringify(connected) : null],
      );
      await em.execute(`update event set incident_id = ? where id = any(?::uuid[])`, [incident!.id, memberIds]);
      await queueMessage(em, instanceId, leader.eventId, paging.map((c) => c.kind), now);
      continue;
    }
    await em.execute(`update event set incident_id = ? where id = any(?::uuid[])`, [current.id, memberIds]);
    if (paging.length === 0) continue;
    // A channel that receives only the newcomers' kinds hears of the incident now.
    await queueMessage(em, instanceId, current.leader_event_id, paging.map((c) => c.kind), now);
    await queueOnLiveMessages(em, current.leader_event_id, 'incident-update', now);
    const openKinds = await em.execute<{ kind: EventKind }[]>(`select distinct kind from event where incident_id = ? and state <> 'resolved'`, [current.id]);
    const news = paging.filter((c) => !heldBy(c.kind, openKinds.map((row) => row.kind)));
    if (news.length > 0) await queueOnLiveMessages(em, current.leader_event_id, 'incident-news', now);
  }
}

/**
 * Edits or closes the incidents of resolved events; returns the ids it handled (the others — events
 * opened before incidents existed — resolve on their own alert, as before).
 */
export async function resolveFromIncidents(em: EntityManager, resolved: readonly EventChange[], now: Date): Promise<Set<string>> {
  const handled = new Set<string>();
  if (resolved.length === 0) return handled;
  const rows = await em.execute<{ id: string; instance_id: string; incident_id: string }[]>(
    `select id, instance_id, incident_id from event where id = any(?::uuid[]) and incident_id is not null`,
    [sqlArray(resolved.map((c) => c.eventId))],
  );
  for (const row of rows) {
    handled.add(row.id);
    await lockInstanceIncidents(em, row.instance_id);
    const [closed] = await em.execute<{ leader_event_id: string }[]>(
      `update incident inc set resolved_at = ?
        where inc.id = ? and inc.resolved_at is null
          and not exists (select 1 from event e where e.incident_id = inc.id and e.state <> 'resolved')
        returning inc.leader_event_id`,
      [now, row.incident_id],
    );
    if (!closed) {
      const [leader] = await em.execute<{ leader_event_id: string }[]>(`select leader_event_id from incident where id = ? and resolved_at is null`, [row.incident_id]);
      if (leader) await queueOnLiveMessages(em, leader.leader_event_id, 'incident-update', now);
      continue;
    }
    // Not sent yet (held for the group wait, or waiting for a worker): it never will be.
    await em.execute(
      `update notification set state = 'withdrawn'
        where event_id = ? and action in ('open', 'incident-update', 'incident-news') and state = 'pending' and (claimed_until is null or claimed_until < ?)`,
      [closed.leader_event_id, now],
    );
    await queueIncidentResolve(em, closed.leader_event_id, now);
  }
  return handled;
}

/** The closing edit and reply, for every channel whose message on `leaderEventId` went (or is going) out. */
export async function queueIncidentResolve(em: EntityManager, leaderEventId: string, now: Date): Promise<void> {
  await em.execute(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), o.event_id, o.subscription_id, 'resolve', 'pending', 0, ?, ?
       from notification o join subscription s on s.id = o.subscription_id
      where o.event_id = ? and o.action = 'open' and o.state not in ('grouped', 'withdrawn') and s.disabled_at is null
     on conflict do nothing`,
    [now, now, leaderEventId],
  );
}

/** The incident's message (`open` on its leader) for every channel receiving one of `kinds` that has none. */
async function queueMessage(em: EntityManager, instanceId: string, leaderEventId: string, kinds: readonly EventKind[], now: Date): Promise<void> {
  if (kinds.length === 0) return;
  await em.execute(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), ?::uuid, r.subscription_id, 'open', 'pending', 0, ?, ?
       from (select distinct r.subscription_id
               from instance i
               cross join unnest(?::text[]) as k(kind)
               cross join (select ?::timestamptz as at) as clock
               cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'i.workspace_id', instanceId: 'i.id', kind: 'k.kind', at: 'clock.at' })}) r
              where i.id = ?) as r
     on conflict do nothing`,
    [leaderEventId, now, now, sqlArray([...new Set(kinds)]), now, instanceId],
  );
}

/**
 * `action` for each channel whose message is out or going out now (a message still waiting will
 * show the change when it is drawn), unless one such row is already waiting: it will draw the
 * incident as it is then, so one is enough.
 */
async function queueOnLiveMessages(em: EntityManager, leaderEventId: string, action: 'incident-update' | 'incident-news', now: Date): Promise<void> {
  await em.execute(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), o.event_id, o.subscription_id, ?, 'pending', 0, ?, ?
       from notification o join subscription s on s.id = o.subscription_id
      where o.event_id = ? and o.action = 'open' and s.disabled_at is null
        and (o.state = 'sent' or (o.state = 'pending' and o.claimed_until >= ?))
        and not exists (
          select 1 from notification w
           where w.event_id = o.event_id and w.subscription_id = o.subscription_id and w.action = ?
             and w.state = 'pending' and (w.claimed_until is null or w.claimed_until < ?)
        )`,
    [action, now, now, leaderEventId, now, action, now],
  );
}
