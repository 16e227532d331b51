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
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Decision, EventKind, OpenEvent, OpenEvents } from './decision.ts';

export interface EventChange {
  eventId: string;
  instanceId: string;
  kind: EventKind;
  key: string;
  change: 'opened' | 'resolved';
  summary: string;
  details: Record<string, unknown>;
}

/** The unresolved events of `kind` for each instance. */
export async function openEventsByInstance(em: EntityManager, instanceIds: readonly string[], kind: EventKind): Promise<Map<string, OpenEvents>> {
  const rows = await em.execute<{ instance_id: string; key: string; opened_at: string; details: Record<string, unknown> }[]>(
    `select instance_id, key, opened_at, details from event where state <> 'resolved' and kind = ? and instance_id = any(?::uuid[])`,
    [kind, `{${instanceIds.join(',')}}`],
  );
  const byInstance = new Map<string, Map<string, OpenEvent>>();
  for (const row of rows) {
    const events = byInstance.get(row.instance_id) ?? new Map<string, OpenEvent>();
    events.set(row.key, { key: row.key, openedAt: new Date(row.opened_at), details: row.details });
    byInstance.set(row.instance_id, events);
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
      const resolved = await connection.execute<{ id: string }[]>(
        `update event set state = 'resolved', resolved_at = ?, resolve_summary = ?, details = ?::jsonb
          where instance_id = ? and kind = ? and key = ? and state in ('open', 'acked')
          returning id`,
        [now, decision.summary, JSON.stringify(decision.details), instanceId, kind, decision.key],
      );
      if (resolved[0]) changes.push({ eventId: resolved[0].id, instanceId, kind, key: decision.key, change: 'resolved', summary: decision.summary, details: decision.details });
    } else if (decision.details) {
      await connection.execute(
        `update event set details = ?::jsonb where instance_id = ? and kind = ? and key = ? and state in ('open', 'acked')`,
        [JSON.stringify(decision.details), instanceId, kind, decision.key],
      );
    }
  }
  return changes;
}

/** Acknowledges an open event (reminders stop); false when it was not open any more. */
export async function ackEvent(em: EntityManager, eventId: string, actorId: string, now: Date): Promise<boolean> {
  const acked = await em.execute<{ id: string }[]>(`update event set state = 'acked', acked_at = ?, acked_by = ? where id = ? and state = 'open' returning id`, [now, actorId, eventId]);
  return acked.length === 1;
}
