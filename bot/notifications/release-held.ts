/**
 * The other half of inhibition (bot/events/inhibition.ts): once an incident's causes have all
 * resolved and stayed resolved for the settling time, what they held back and is still open is
 * paged normally. The incident closes — its message shows what resolved — and the problems still
 * open start a new incident with a message of their own. Within the settling time most of them
 * resolve by themselves (a gateway back up runs its overdue jobs), which closes the incident the
 * usual way and pages nobody.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { CAUSE_KINDS, HELD_KINDS } from '../events/inhibition.ts';
import type { EventKind } from '../events/decision.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import { everySeconds } from '../scheduler/schedules.ts';
import type { Orm } from '../storage/orm.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { lockInstanceIncidents, openIntoIncidents, queueIncidentResolve } from './incidents.ts';

/** Pages what settled causes held back; returns how many incidents were released. */
export async function releaseHeldProblems(em: EntityManager, now: Date, settleSeconds: number): Promise<number> {
  const settledBefore = new Date(now.getTime() - settleSeconds * 1000);
  const due = await em.execute<{ id: string; instance_id: string }[]>(
    `select inc.id, inc.instance_id from incident inc
      where inc.resolved_at is null
        and exists (select 1 from event e where e.incident_id = inc.id and e.state <> 'resolved' and e.kind = any(?::text[]))
        and not exists (select 1 from event e where e.incident_id = inc.id and e.state <> 'resolved' and e.kind = any(?::text[]))
        and (select max(e.resolved_at) from event e where e.incident_id = inc.id and e.kind = any(?::text[])) <= ?
        -- The message hangs off its leader: while that is open, the message itself still shows
        -- what is open (no longer as "also affected"), and there is nothing to move out.
        and exists (select 1 from event l where l.id = inc.leader_event_id and l.state = 'resolved')`,
    [sqlArray(HELD_KINDS), sqlArray(CAUSE_KINDS), sqlArray(CAUSE_KINDS), settledBefore],
  );
  let released = 0;
  for (const incident of due) {
    const moved = await em.transactional(async (tx) => {
      await lockInstanceIncidents(tx, incident.instance_id);
      const [closed] = await tx.execute<{ leader_event_id: string }[]>(`update incident set resolved_at = ? where id = ? and resolved_at is null returning leader_event_id`, [now, incident.id]);
      if (!closed) return false;
      const open = await tx.execute<{ id: string; kind: EventKind; key: string; summary: string; details: Record<string, unknown> }[]>(
        `update event set incident_id = null where incident_id = ? and state <> 'resolved' returning id, kind, key, summary, details`,
        [incident.id],
      );
      // The old message shows what resolved, with the usual edit and reply.
      await queueIncidentResolve(tx, closed.leader_event_id, now);
      await openIntoIncidents(
        tx,
        open.map((e) => ({ eventId: e.id, instanceId: incident.instance_id, kind: e.kind, key: e.key, change: 'opened' as const, summary: e.summary, details: e.details })),
        now,
        { silenced: new Set() },
      );
      return true;
    });
    if (moved) released += 1;
  }
  return released;
}

/** Every tick, on one leader. */
export function releaseHeldJob(orm: Orm, options: { tickSeconds: number; settleSeconds: number }): ScheduledJob {
  return {
    name: 'release-held-problems',
    schedule: everySeconds(options.tickSeconds),
    runsOn: 'one-worker',
    async run(now) {
      await releaseHeldProblems(orm.em.fork(), now, options.settleSeconds);
    },
  };
}
