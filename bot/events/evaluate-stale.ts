/**
 * The stale rule over the whole fleet in one set-based query: it selects only the instances whose
 * stale state must change (silent past interval + grace with no open event, or an open event whose
 * instance synced again or was paused), then the pure rule decides each of those few.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OpenEvent } from './decision.ts';
import { enqueueNotifications } from '../notifications/enqueue.ts';
import { applyDecisions, type EventChange } from './event-store.ts';
import { decideStale, type StaleThresholds } from './rules/stale.ts';
import { sqlArray } from '../storage/sql-array.ts';

interface Candidate {
  instance_id: string;
  /** A `stale.grace` threshold set for the instance or its workspace, in seconds. */
  grace_override: number | null;
  last_seen_at: string;
  interval_seconds: number;
  paused: boolean;
  event_opened_at: string | null;
  event_details: Record<string, unknown> | null;
}

/** `onlyInstances` narrows the pass to those instances (right after their snapshots landed). */
export async function evaluateStale(em: EntityManager, now: Date, thresholds: StaleThresholds, onlyInstances?: readonly string[]): Promise<EventChange[]> {
  const only = onlyInstances ? sqlArray(onlyInstances) : null;
  const candidates = await em.execute<Candidate[]>(
    `with fleet as (
       select s.instance_id, s.last_seen_at, s.agent_interval_seconds as interval_seconds, i.paused_at is not null as paused,
              coalesce(own.value, shared.value) as grace_override,
              s.last_seen_at + make_interval(secs => s.agent_interval_seconds + coalesce(own.value, shared.value, ?::float8, greatest(s.agent_interval_seconds, 300))) as stale_after,
              e.opened_at as event_opened_at, e.details as event_details
         from instance_state s
         join instance i on i.id = s.instance_id
         -- A stale.grace threshold of the instance, else of its workspace (hash joins, not a probe per instance).
         left join threshold_override own on own.instance_id = s.instance_id and own.name = 'stale.grace'
         left join threshold_override shared on shared.workspace_id = i.workspace_id and shared.instance_id is null and shared.name = 'stale.grace'
         left join event e on e.instance_id = s.instance_id and e.kind = 'stale' and e.state <> 'resolved'
        where ?::uuid[] is null or s.instance_id = any(?::uuid[])
     )
     select instance_id, grace_override, last_seen_at, interval_seconds, paused, event_opened_at, event_details from fleet
      where (event_opened_at is null and not paused and stale_after < ?)
         or (event_opened_at is not null and (paused or stale_after >= ?))`,
    [thresholds.graceSeconds ?? null, only, only, now, now],
  );
  const changes: EventChange[] = [];
  for (const candidate of candidates) {
    const open = new Map<string, OpenEvent>();
    if (candidate.event_opened_at) {
      open.set('agent', { key: 'agent', openedAt: new Date(candidate.event_opened_at), details: candidate.event_details ?? {} });
    }
    const decisions = decideStale(
      { lastSeenAt: new Date(candidate.last_seen_at), intervalSeconds: candidate.interval_seconds, paused: candidate.paused },
      open,
      now,
      candidate.grace_override === null ? thresholds : { graceSeconds: candidate.grace_override },
    );
    // The event and its notifications commit together: a change is never left without its pages.
    changes.push(
      ...(await em.transactional(async (tx) => {
        const applied = await applyDecisions(tx, candidate.instance_id, 'stale', decisions, now);
        await enqueueNotifications(tx, applied, now);
        return applied;
      })),
    );
  }
  return changes;
}
