/**
 * Grouped stale alerts: when 3 or more instances of one workspace go stale within the same
 * minute, the channel gets one alert ("5 instances stopped syncing within a minute — likely a
 * shared network or provider problem") instead of five pages.
 *
 * It happens where notifications are queued, inside the transaction that opened the event:
 * - the third stale open of a workspace within a minute forms a group: its members are that
 *   minute's stale events; their individual alerts still waiting in the outbox are withdrawn
 *   (state `grouped`), and one `group-open` is queued on the leader (the earliest member);
 * - a later stale open joins the group while the previous member joined less than a minute ago:
 *   no page, a `group-update` edits the grouped alert to list it;
 * - a member resolving edits the grouped alert (`group-update`); the last one resolves it
 *   (`group-resolve`, an edit plus a reply).
 * An alert already sent or being sent when the group forms stays sent: nothing is unsent.
 * Formation is serialised per workspace with a transaction-scoped advisory lock, so two workers
 * cannot form two groups out of the same minute.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventChange } from '../events/event-store.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';

export const GROUP_MIN_MEMBERS = 3;
export const GROUP_WINDOW_MS = 60_000;


/** Puts new stale opens into groups where the rule says so; returns the event ids now alerted as a group. */
export async function groupStaleOpens(em: EntityManager, opened: readonly EventChange[], now: Date): Promise<Set<string>> {
  const grouped = new Set<string>();
  const windowStart = new Date(now.getTime() - GROUP_WINDOW_MS);
  for (const change of opened) {
    const [{ workspace_id: workspaceId } = { workspace_id: undefined }] = await em.execute<{ workspace_id: string }[]>(
      `select workspace_id from instance where id = ?`,
      [change.instanceId],
    );
    if (!workspaceId) continue;
    await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`deepclaw:stale-group:${workspaceId}`]);
    const [joinable] = await em.execute<{ id: string; leader_event_id: string }[]>(
      `select id, leader_event_id from event_group
        where workspace_id = ? and kind = 'stale' and resolved_at is null and last_joined_at > ?
        order by last_joined_at desc limit 1`,
      [workspaceId, windowStart],
    );
    if (joinable) {
      await em.execute(`update event set group_id = ? where id = ?`, [joinable.id, change.eventId]);
      await em.execute(`update event_group set last_joined_at = ? where id = ?`, [now, joinable.id]);
      await queueGroupNotice(em, joinable.leader_event_id, change.eventId, 'group-update', now);
      grouped.add(change.eventId);
      continue;
    }
    const members = await em.execute<{ id: string }[]>(
      `select e.id from event e join instance i on i.id = e.instance_id
        where i.workspace_id = ? and e.kind = 'stale' and e.state <> 'resolved' and e.group_id is null and e.opened_at > ?
          and (i.muted_until is null or i.muted_until <= ?)
        order by e.opened_at, e.id`,
      [workspaceId, windowStart, now],
    );
    if (members.length < GROUP_MIN_MEMBERS) continue;
    const memberIds = members.map((m) => m.id);
    const leaderId = memberIds[0]!;
    const [group] = await em.execute<{ id: string }[]>(
      `insert into event_group (id, workspace_id, kind, leader_event_id, opened_at, last_joined_at)
       values (gen_random_uuid(), ?, 'stale', ?, ?, ?) returning id`,
      [workspaceId, leaderId, now, now],
    );
    await em.execute(`update event set group_id = ? where id = any(?::uuid[])`, [group!.id, sqlArray(memberIds)]);
    // Withdraw the members' own alerts that no worker has picked up; the grouped alert covers them.
    await em.execute(
      `update notification set state = 'grouped'
        where event_id = any(?::uuid[]) and action = 'open' and state = 'pending' and (claimed_until is null or claimed_until < ?)`,
      [sqlArray(memberIds), now],
    );
    await em.execute(
      `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
       select gen_random_uuid(), ?, r.subscription_id, 'group-open', 'pending', 0, ?, ?
         from (select ?::uuid as workspace_id, ?::timestamptz as at) as p
         -- No instance mute: muted instances are not members (above).
         cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'p.workspace_id', instanceId: 'null::uuid', kind: `'stale'`, at: 'p.at' })}) r
       on conflict do nothing`,
      [leaderId, now, now, workspaceId, now],
    );
    for (const id of memberIds) grouped.add(id);
  }
  return grouped;
}

/** A grouped member resolved: edit the grouped alert, or resolve it when no member is left silent. */
export async function noticeGroupedResolves(em: EntityManager, resolved: readonly EventChange[], now: Date): Promise<void> {
  if (resolved.length === 0) return;
  const rows = await em.execute<{ id: string; group_id: string; leader_event_id: string; workspace_id: string }[]>(
    `select e.id, e.group_id, g.leader_event_id, g.workspace_id from event e join event_group g on g.id = e.group_id
      where e.id = any(?::uuid[]) and g.resolved_at is null`,
    [sqlArray(resolved.map((c) => c.eventId))],
  );
  for (const row of rows) {
    await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`deepclaw:stale-group:${row.workspace_id}`]);
    const closed = await em.execute<{ id: string }[]>(
      `update event_group g set resolved_at = ?
        where g.id = ? and g.resolved_at is null
          and not exists (select 1 from event e where e.group_id = g.id and e.state <> 'resolved')
        returning g.id`,
      [now, row.group_id],
    );
    if (closed.length > 0) await queueGroupNotice(em, row.leader_event_id, row.leader_event_id, 'group-resolve', now);
    else await queueGroupNotice(em, row.leader_event_id, row.id, 'group-update', now);
  }
}

/** Queues `action` on `eventId` for every channel that got the group's alert. */
async function queueGroupNotice(em: EntityManager, leaderEventId: string, eventId: string, action: 'group-update' | 'group-resolve', now: Date): Promise<void> {
  await em.execute(
    `insert into notification (id, event_id, subscription_id, action, state, attempts, next_attempt_at, created_at)
     select gen_random_uuid(), ?, o.subscription_id, ?, 'pending', 0, ?, ?
       from notification o join subscription s on s.id = o.subscription_id
      where o.event_id = ? and o.action = 'group-open' and s.disabled_at is null
     on conflict do nothing`,
    [eventId, action, now, now, leaderEventId],
  );
}
