/**
 * The usage facts of a batch of instances, for cost-drift and error-spike, in a few queries
 * whatever the batch size.
 *
 * Where the instance has a usable summary for this hour (usage-summary.ts), a tick reads that row
 * and the recent hourly rows, about six. Otherwise (a new instance, a late write, the first hour
 * after a start) it sums the hourly rows of the eight days in SQL. Either way the rules get what
 * they sum by: window sums handed over as one hour inside their window, recent hours as they are.
 * The rules only ever sum by those windows, so their decisions are the same as on the hourly rows
 * (usage-facts.test.ts holds both paths to the same answers).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { HourlySpend } from './rules/cost-drift.ts';
import type { HourlyCalls } from './rules/error-spike.ts';
import { DAY_MS, errorWindows, HOUR_MS, RECENT_HOURS, SPEND_WINDOWS, windowsEnd } from './usage-windows.ts';
import { sqlArray } from '../storage/sql-array.ts';

export interface UsageFacts {
  spend: HourlySpend[];
  calls: HourlyCalls[];
  historySince?: Date;
}

export async function loadUsageFacts(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<Map<string, UsageFacts>> {
  const end = windowsEnd(now);
  const facts = new Map<string, UsageFacts>(instanceIds.map((id) => [id, { spend: [], calls: [] }]));
  if (instanceIds.length === 0) return facts;
  const summarized = await readSummaries(em, instanceIds, end, facts);
  await readRecentHours(em, summarized, end, facts);
  const summarizedSet = new Set(summarized);
  await sumWholeWindows(em, instanceIds.filter((id) => !summarizedSet.has(id)), end, facts);
  return facts;
}

/** Applies the usable summaries and returns the instances that had one. */
async function readSummaries(em: EntityManager, instanceIds: readonly string[], end: Date, facts: Map<string, UsageFacts>): Promise<string[]> {
  const rows = await em.execute<
    { instance_id: string; spend: Record<string, number[]>; base_runs: string; base_errors: string; history_since: string | null }[]
  >(
    `select s.instance_id, s.spend, s.base_runs, s.base_errors, s.history_since
       from unnest(?::uuid[]) as x(id)
       join usage_summary s on s.instance_id = x.id and s.ends_at = ?
       left join usage_late_write l on l.instance_id = x.id
      where s.late_writes_seen = coalesce(l.writes, 0)`,
    [sqlArray(instanceIds), end],
  );
  const { baselineStart } = errorWindows(end);
  for (const row of rows) {
    const instance = facts.get(row.instance_id)!;
    for (const [model, windows] of Object.entries(row.spend)) {
      for (let day = 0; day < SPEND_WINDOWS; day++) {
        instance.spend.push({ hour: new Date(end.getTime() - (day + 1) * DAY_MS), model, costUsd: windows[day] ?? 0 });
      }
    }
    instance.calls.push({ hour: baselineStart, runs: Number(row.base_runs), errors: Number(row.base_errors) });
    if (row.history_since) instance.historySince = new Date(row.history_since);
  }
  return rows.map((row) => row.instance_id);
}

/** The hours no summary covers, as they are (rows stamped later than `end` only date the history). */
async function readRecentHours(em: EntityManager, instanceIds: readonly string[], end: Date, facts: Map<string, UsageFacts>): Promise<void> {
  if (instanceIds.length === 0) return;
  const rows = await em.execute<{ instance_id: string; hour: string; model: string; cost_usd: number; runs: string; errors: string }[]>(
    `select x.id as instance_id, u.*
       from unnest(?::uuid[]) as x(id)
       cross join lateral (select hour, model, cost_usd, runs, errors from usage_hourly where instance_id = x.id and hour >= ?) u`,
    [sqlArray(instanceIds), new Date(end.getTime() - RECENT_HOURS * HOUR_MS)],
  );
  for (const row of rows) {
    const instance = facts.get(row.instance_id)!;
    const hour = new Date(row.hour);
    if (!instance.historySince || hour < instance.historySince) instance.historySince = hour;
    if (hour >= end) continue;
    instance.spend.push({ hour, model: row.model, costUsd: row.cost_usd });
    instance.calls.push({ hour, runs: Number(row.runs), errors: Number(row.errors) });
  }
}

/** Without a summary: the eight days summed in SQL per window, and the start of history. */
async function sumWholeWindows(em: EntityManager, instanceIds: readonly string[], end: Date, facts: Map<string, UsageFacts>): Promise<void> {
  if (instanceIds.length === 0) return;
  const ids = sqlArray(instanceIds);
  const { recentStart, baselineStart } = errorWindows(end);
  // `day`: 0 for the 24 h ending at `end`, 1 for the 24 h before, … (hours are whole, so integer
  // division of the hours between them is exact).
  const usage = await em.execute<
    { instance_id: string; model: string; day: number; cost_usd: number; recent_runs: string; recent_errors: string; base_runs: string; base_errors: string }[]
  >(
    // Driven by the id list, summed per instance (a nested loop of index range scans): with a list
    // of hundreds of ids the planner otherwise misjudges the rows and scans the whole table.
    `select x.id as instance_id, u.*
       from unnest(?::uuid[]) as x(id)
       cross join lateral (
         select model, (extract(epoch from ?::timestamptz - hour)::int / 3600 - 1) / 24 as day,
                sum(cost_usd) as cost_usd,
                coalesce(sum(runs) filter (where hour >= ?), 0) as recent_runs,
                coalesce(sum(errors) filter (where hour >= ?), 0) as recent_errors,
                coalesce(sum(runs) filter (where hour >= ? and hour < ?), 0) as base_runs,
                coalesce(sum(errors) filter (where hour >= ? and hour < ?), 0) as base_errors
           from usage_hourly where instance_id = x.id and hour >= ? and hour < ?
          group by model, day
       ) u`,
    [ids, end, recentStart, recentStart, baselineStart, recentStart, baselineStart, recentStart, new Date(end.getTime() - SPEND_WINDOWS * DAY_MS), end],
  );
  const calls = new Map<string, { recent: HourlyCalls; base: HourlyCalls }>();
  for (const row of usage) {
    const instance = facts.get(row.instance_id)!;
    instance.spend.push({ hour: new Date(end.getTime() - (row.day + 1) * DAY_MS), model: row.model, costUsd: row.cost_usd });
    const sums = calls.get(row.instance_id) ?? { recent: { hour: recentStart, runs: 0, errors: 0 }, base: { hour: baselineStart, runs: 0, errors: 0 } };
    sums.recent.runs += Number(row.recent_runs);
    sums.recent.errors += Number(row.recent_errors);
    sums.base.runs += Number(row.base_runs);
    sums.base.errors += Number(row.base_errors);
    calls.set(row.instance_id, sums);
  }
  for (const [instanceId, sums] of calls) facts.get(instanceId)!.calls = [sums.base, sums.recent];

  // One index probe per instance (the primary key leads with instance and hour).
  const history = await em.execute<{ instance_id: string; since: string | null }[]>(
    `select x.id as instance_id, (select min(hour) from usage_hourly where instance_id = x.id) as since from unnest(?::uuid[]) as x(id)`,
    [ids],
  );
  for (const row of history) {
    if (row.since) facts.get(row.instance_id)!.historySince = new Date(row.since);
  }
}
