/**
 * What a digest says, read from the database for one workspace and one period in a handful of
 * set-based queries (never one per instance): spend per instance per period from usage_hourly
 * (bucketed by the workspace's local midnights, so a day is the team's day even across a DST
 * change), the top models, month-to-date spend, cron jobs, events, and instances not syncing.
 *
 * Cron figures count jobs, not runs: the service keeps each job's latest run only (cron_job), so a
 * job is "ok" when its latest run since the period began was ok, "failed" when a cron-failed
 * event opened for it in the period or its latest run in the period failed, and "missed" when a
 * cron-missed event opened for it in the period — the same facts the cron rules decide on.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DigestBudgets, DigestEvent, DigestFacts, DigestInstance } from '../messages/digest-message.ts';
import type { EventKind } from '../events/decision.ts';
import { localDate, monthAround, zonedInstant } from '../workspaces/time-zone.ts';
import type { DigestCadence } from './digest-schedule.ts';

/** Previous periods the "usual" is the median of: a week of days, or four weeks. */
const USUAL_OVER: Record<DigestCadence, number> = { daily: 7, weekly: 4 };
/** A day with more events than this is summarised by the list's "…and N more", not fetched whole. */
const MAX_EVENTS = 500;

export interface DigestScope {
  workspaceId: string;
  workspaceName: string;
  timeZone: string;
  cadence: DigestCadence;
  from: Date;
  to: Date;
  now: Date;
  budgets?: DigestBudgets;
}

export async function gatherDigestFacts(em: EntityManager, scope: DigestScope): Promise<DigestFacts> {
  const boundaries = periodBoundaries(scope);
  const first = boundaries[0]!;
  const month = monthAround(new Date(scope.to.getTime() - 1), scope.timeZone);
  const range = [scope.from, scope.to];

  const instances = await em.execute<{ id: string; name: string }[]>(`select id, name from instance where workspace_id = ? order by name`, [scope.workspaceId]);
  // Bucket k (1-based) is [boundaries[k-1], boundaries[k]); the last bucket is the period itself.
  const spend = await em.execute<{ instance_id: string; bucket: number; spend: number }[]>(
    `select u.instance_id, width_bucket(extract(epoch from u.hour)::float8, ?::float8[]) as bucket, sum(u.cost_usd)::float8 as spend
       from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ?
      group by 1, 2`,
    [`{${boundaries.map((b) => b.getTime() / 1000).join(',')}}`, scope.workspaceId, first, scope.to],
  );
  const monthToDate = await em.execute<{ instance_id: string; spend: number }[]>(
    `select u.instance_id, sum(u.cost_usd)::float8 as spend from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ? group by 1`,
    [scope.workspaceId, month.start, scope.to],
  );
  const topModels = await em.execute<{ model: string; spend: number }[]>(
    `select u.model, sum(u.cost_usd)::float8 as spend from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ? group by 1 having sum(u.cost_usd) > 0 order by 2 desc, 1 limit 3`,
    [scope.workspaceId, ...range],
  );
  const cron = await em.execute<{ instance_id: string; outcome: 'ok' | 'failed' | 'missed'; jobs: number }[]>(
    `with scoped as (select id from instance where workspace_id = ?),
     failed as (
       select e.instance_id, e.key as job_id from event e join scoped on scoped.id = e.instance_id
        where e.kind = 'cron-failed' and e.opened_at >= ? and e.opened_at < ?
       union
       select c.instance_id, c.job_id from cron_job c join scoped on scoped.id = c.instance_id
        where c.last_status = 'error' and c.last_run_at >= ? and c.last_run_at < ?
     ),
     missed as (
       select distinct e.instance_id, e.key as job_id from event e join scoped on scoped.id = e.instance_id
        where e.kind = 'cron-missed' and e.opened_at >= ? and e.opened_at < ?
     ),
     ok as (
       select c.instance_id, c.job_id from cron_job c join scoped on scoped.id = c.instance_id
        where c.last_status = 'ok' and c.last_run_at >= ?
          and not exists (select 1 from failed f where f.instance_id = c.instance_id and f.job_id = c.job_id)
     )
     select instance_id, 'ok' as outcome, count(*)::int as jobs from ok group by 1
     union all select instance_id, 'failed', count(*)::int from failed group by 1
     union all select instance_id, 'missed', count(*)::int from missed group by 1`,
    [scope.workspaceId, ...range, ...range, ...range, scope.from],
  );
  const events = await em.execute<{ instance_name: string; kind: EventKind; opened_at: Date; resolved_at: Date | null }[]>(
    `select i.name as instance_name, e.kind, e.opened_at, e.resolved_at from event e join instance i on i.id = e.instance_id
      where i.workspace_id = ? and ((e.opened_at >= ? and e.opened_at < ?) or (e.resolved_at >= ? and e.resolved_at < ?))
      order by e.opened_at limit ${MAX_EVENTS}`,
    [scope.workspaceId, ...range, ...range],
  );
  // The stale rule already decided who is not syncing (with each instance's own thresholds);
  // instance_state says since when.
  const notSyncing = await em.execute<{ name: string; last_seen_at: Date | null }[]>(
    `select i.name, s.last_seen_at from instance i left join instance_state s on s.instance_id = i.id
      where i.workspace_id = ? and i.paused_at is null
        and exists (select 1 from event e where e.instance_id = i.id and e.kind = 'stale' and e.state <> 'resolved')
      order by s.last_seen_at nulls first, i.name`,
    [scope.workspaceId],
  );

  const periods = boundaries.length - 1;
  const byInstance = (id: string): DigestInstance => {
    const buckets = new Array<number>(periods + 1).fill(0);
    for (const row of spend) if (row.instance_id === id && row.bucket >= 1 && row.bucket <= periods) buckets[row.bucket] = Number(row.spend);
    const counts = { ok: 0, failed: 0, missed: 0 };
    for (const row of cron) if (row.instance_id === id) counts[row.outcome] = Number(row.jobs);
    return {
      name: '',
      spendUsd: buckets[periods]!,
      usualUsd: usual(buckets.slice(1, periods)),
      monthToDateUsd: Number(monthToDate.find((row) => row.instance_id === id)?.spend ?? 0),
      cron: counts,
    };
  };
  return {
    workspaceName: scope.workspaceName,
    timeZone: scope.timeZone,
    cadence: scope.cadence,
    from: scope.from,
    to: scope.to,
    instances: instances.map((instance) => ({ ...byInstance(instance.id), name: instance.name })),
    topModels: topModels.map((row) => ({ model: row.model, spendUsd: Number(row.spend) })),
    events: events.map((row): DigestEvent => ({ instanceName: row.instance_name, kind: row.kind, openedAt: new Date(row.opened_at), resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null })),
    notSyncing: notSyncing.map((row) => ({ name: row.name, lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : null })),
    now: scope.now,
    ...(scope.budgets ? { budgets: scope.budgets } : {}),
  };
}

/**
 * The median of the previous periods' spend, counted from the first period with any spend (an
 * instance added on Tuesday has no "usual" of zeros from the week before); null with none.
 */
function usual(previous: number[]): number | null {
  const firstSpent = previous.findIndex((value) => value > 0);
  if (firstSpent < 0) return null;
  const values = previous.slice(firstSpent).sort((a, b) => a - b);
  const middle = Math.floor(values.length / 2);
  return values.length % 2 === 1 ? values[middle]! : (values[middle - 1]! + values[middle]!) / 2;
}

/** The local midnights that start each compared period, oldest first, then the period's end. */
function periodBoundaries(scope: DigestScope): Date[] {
  const start = localDate(scope.from, scope.timeZone);
  const step = scope.cadence === 'weekly' ? 7 : 1;
  const boundaries: Date[] = [];
  for (let k = USUAL_OVER[scope.cadence]; k >= 0; k--) {
    const day = new Date(Date.UTC(start.year, start.month - 1, start.day - k * step));
    boundaries.push(zonedInstant(scope.timeZone, { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }));
  }
  boundaries.push(scope.to);
  return boundaries;
}
