/**
 * Applying rule decisions to the event table, safely under concurrency: any number of workers may
 * evaluate the same instance at once.
 *
 * - open: an insert guarded by the partial unique index on (instance, kind, key) for unresolved
 *   events; the loser of a race inserts nothing.
 * - resolve and ack: compare-and-set updates (`… WHERE state IN (…)`); a count of 0 means another
 *   worker got there first, and this one does nothing more.
 *
 * Each function returns what actually changed, so notifications are created exactly once, by the
 * worker whose write took effect.
 *
 * Flapping guard: a key that has opened FLAP_OPENS times within an hour is not resolved again;
 * it is held open, marked flapping (one notice, not a page per flip), until it has stayed fine
 * for an hour.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Instance, Workspace } from '../storage/entities/index.ts';
import type { Decision, EventKind, OpenEvent, OpenEvents } from './decision.ts';
import { sqlArray } from '../storage/sql-array.ts';

export interface EventChange {
  eventId: string;
  instanceId: string;
  kind: EventKind;
  key: string;
  /** `flapping`: the key kept opening and resolving; it is held open with one notice instead. */
  change: 'opened' | 'resolved' | 'flapping';
  summary: string;
  details: Record<string, unknown>;
}

/** The unresolved events of each instance, by kind and key, in one query. */
export async function openEventsByInstance(em: EntityManager, instanceIds: readonly string[]): Promise<Map<string, Map<EventKind, OpenEvents>>> {
  const rows = await em.execute<{ instance_id: string; kind: EventKind; key: string; opened_at: string; details: Record<string, unknown> }[]>(
    `select instance_id, kind, key, opened_at, details from event where state <> 'resolved' and instance_id = any(?::uuid[])`,
    [sqlArray(instanceIds)],
  );
  const byInstance = new Map<string, Map<EventKind, Map<string, OpenEvent>>>();
  for (const row of rows) {
    const kinds = byInstance.get(row.instance_id) ?? new Map<EventKind, Map<string, OpenEvent>>();
    const events = kinds.get(row.kind) ?? new Map<string, OpenEvent>();
    events.set(row.key, { key: row.key, openedAt: new Date(row.opened_at), details: row.details });
    kinds.set(row.kind, events);
    byInstance.set(row.instance_id, kinds);
  }
  return byInstance;
}

/** Writes one instance's decisions for one kind; returns the opens and resolves that took effect. */
export async function applyDecisions(
  em: EntityManager,
  instanceId: string,
  kind: EventKind,
  decisions: readonly Decision[],
  now: Date,
): Promise<EventChange[]> {
  // em.execute joins the caller's transaction, if there is one.
  const connection = em;
  const changes: EventChange[] = [];
  for (const decision of decisions) {
    if (decision.action === 'open') {
      const inserted = await connection.execute<{ id: string }[]>(
        `insert into event (id, instance_id, kind, key, state, summary, details, opened_at)
         values (gen_random_uuid(), ?, ?, ?, 'open', ?, ?::jsonb, ?)
         on conflict do nothing
         returning id`,
        [instanceId, kind, decision.key, decision.summary, JSON.stringify(decision.details), now],
      );
      if (inserted[0]) changes.push({ eventId: inserted[0].id, instanceId, kind, key: decision.key, change: 'opened', summary: decision.summary, details: decision.details });
    } else if (decision.action === 'resolve') {
      const hold = await flappingHold(connection, instanceId, kind, decision.key, now);
      if (hold.newlyFlapping) {
        changes.push({ eventId: hold.eventId!, instanceId, kind, key: decision.key, change: 'flapping', summary: hold.summary!, details: decision.details });
      }
      if (hold.held) continue;
      const resolved = await connection.execute<{ id: string }[]>(
        `update event set state = 'resolved', resolved_at = ?, resolve_summary = ?, details = ?::jsonb
          where instance_id = ? and kind = ? and key = ? and state in ('open', 'acked')
          returning id`,
        [now, decision.summary, JSON.stringify(decision.details), instanceId, kind, decision.key],
      );
      if (resolved[0]) changes.push({ eventId: resolved[0].id, instanceId, kind, key: decision.key, change: 'resolved', summary: decision.summary, details: decision.details });
    } else if (decision.details) {
      // Fresh figures replace the old, but a flapping mark stays until the event resolves.
      await connection.execute(
        `update event set details = ?::jsonb || case when jsonb_exists(details, 'flappingSince')
                 then jsonb_build_object('flapping', true, 'flappingSince', details->'flappingSince') else '{}'::jsonb end
          where instance_id = ? and kind = ? and key = ? and state in ('open', 'acked')`,
        [JSON.stringify(decision.details), instanceId, kind, decision.key],
      );
    }
  }
  return changes;
}

/** New figures for an event that stays open (a rule's `keep` with details). */
export interface DetailsRefresh {
  instanceId: string;
  kind: EventKind;
  key: string;
  details: Record<string, unknown>;
}

/**
 * Writes fresh figures for many open events in one statement. A flapping mark stays until the
 * event resolves. Nothing else changes, so no transaction or notification is needed.
 */
export async function refreshDetails(em: EntityManager, refreshes: readonly DetailsRefresh[]): Promise<void> {
  if (refreshes.length === 0) return;
  await em.execute(
    `update event e set details = v.details || case when jsonb_exists(e.details, 'flappingSince')
             then jsonb_build_object('flapping', true, 'flappingSince', e.details->'flappingSince') else '{}'::jsonb end
       from jsonb_to_recordset(?::jsonb) as v(instance_id uuid, kind text, key text, details jsonb)
      where e.instance_id = v.instance_id and e.kind = v.kind and e.key = v.key and e.state in ('open', 'acked')`,
    [JSON.stringify(refreshes.map((r) => ({ instance_id: r.instanceId, kind: r.kind, key: r.key, details: r.details })))],
  );
}

export const FLAP_OPENS = 3;
const FLAP_WINDOW_MS = 3_600_000;

/** Whether a resolve must wait because the key is flapping, and whether it just started to. */
async function flappingHold(
  em: EntityManager,
  instanceId: string,
  kind: EventKind,
  key: string,
  now: Date,
): Promise<{ held: boolean; newlyFlapping: boolean; eventId?: string; summary?: string }> {
  const [current] = await em.execute<{ id: string; flapping_since: string | null }[]>(
    `select id, details->>'flappingSince' as flapping_since from event
      where instance_id = ? and kind = ? and key = ? and state in ('open', 'acked')`,
    [instanceId, kind, key],
  );
  if (!current) return { held: false, newlyFlapping: false };
  if (current.flapping_since) {
    return { held: now.getTime() - Date.parse(current.flapping_since) < FLAP_WINDOW_MS, newlyFlapping: false };
  }
  const [{ opens } = { opens: 0 }] = await em.execute<{ opens: number }[]>(
    `select count(*)::int as opens from event where instance_id = ? and kind = ? and key = ? and opened_at > ?`,
    [instanceId, kind, key, new Date(now.getTime() - FLAP_WINDOW_MS)],
  );
  if (opens < FLAP_OPENS) return { held: false, newlyFlapping: false };
  const summary = `flapping: opened ${opens} times in the last hour; held open until it has been steady for an hour`;
  const marked = await em.execute<{ id: string }[]>(
    `update event set details = details || ?::jsonb where id = ? and details->>'flappingSince' is null returning id`,
    [JSON.stringify({ flapping: true, flappingSince: now.toISOString() }), current.id],
  );
  return { held: true, newlyFlapping: marked.length === 1, eventId: current.id, summary };
}

/** Acknowledges an open event (reminders stop); false when it was not open any more. */
export async function ackEvent(em: EntityManager, eventId: string, actorId: string, now: Date): Promise<boolean> {
  const acked = await em.execute<{ id: string }[]>(`update event set state = 'acked', acked_at = ?, acked_by = ? where id = ? and state = 'open' returning id`, [now, actorId, eventId]);
  return acked.length === 1;
}

/**
 * Ack acts on the whole incident an alert's message stands for: acknowledging its leader
 * acknowledges the incident's other open problems too. Returns how many more were acknowledged.
 */
export async function ackRestOfIncident(em: EntityManager, leaderEventId: string, actorId: string, now: Date): Promise<number> {
  const acked = await em.execute<{ id: string }[]>(
    `update event set state = 'acked', acked_at = ?, acked_by = ?
      where state = 'open' and incident_id = (select id from incident where leader_event_id = ? and resolved_at is null)
      returning id`,
    [now, actorId, leaderEventId],
  );
  return acked.length;
}

export interface ListedEvent {
  id: string;
  instance: string;
  kind: EventKind;
  key: string;
  state: 'open' | 'acked' | 'resolved';
  summary: string;
  openedAt: Date;
  ackedAt: Date | null;
  ackedBy: string | null;
  resolvedAt: Date | null;
}

/** A workspace's events (or one instance's, or one event), newest first; `openOnly` leaves out resolved ones. */
export async function listEvents(
  em: EntityManager,
  input: { workspace: Workspace; instance?: Instance; openOnly: boolean; limit: number; eventId?: string },
): Promise<ListedEvent[]> {
  const rows = await em.execute<
    { id: string; instance: string; kind: EventKind; key: string; state: ListedEvent['state']; summary: string; opened_at: string; acked_at: string | null; acked_by: string | null; resolved_at: string | null }[]
  >(
    `select e.id, i.name as instance, e.kind, e.key, e.state, e.summary, e.opened_at, e.acked_at, e.acked_by, e.resolved_at
       from event e join instance i on i.id = e.instance_id
      where i.workspace_id = ? and (?::uuid is null or i.id = ?::uuid) and (?::uuid is null or e.id = ?::uuid)
        and (not ? or e.state <> 'resolved')
      order by e.opened_at desc, e.id limit ?`,
    [input.workspace.id, input.instance?.id ?? null, input.instance?.id ?? null, input.eventId ?? null, input.eventId ?? null, input.openOnly, input.limit],
  );
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return rows.map((row) => ({
    id: row.id,
    instance: row.instance,
    kind: row.kind,
    key: row.key,
    state: row.state,
    summary: row.summary,
    openedAt: new Date(row.opened_at),
    ackedAt: date(row.acked_at),
    ackedBy: row.acked_by,
    resolvedAt: date(row.resolved_at),
  }));
}
