/**
 * The reads behind budgets, set-based for a batch of instances: each one's monthly budget, and
 * its spend this month (in its workspace's time zone) and over the trailing days the forecast's
 * rate averages. For the budget rule, the status and cost answers, and whatever else reports
 * against a budget (a digest).
 *
 * Hours are UTC buckets; one belongs to the month it starts in. In a zone whose offset is not a
 * whole number of hours (India, +5:30), the bucket that straddles midnight on the 1st counts for
 * the month before — a half hour's spend, not worth splitting a bucket over.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { overridesForInstances, thresholdsFrom } from '../events/thresholds.ts';
import { DAY_MS, windowsEnd } from '../events/usage-windows.ts';
import { sqlArray } from '../storage/sql-array.ts';
import { instanceTimeZones, monthAround } from '../workspaces/time-zone.ts';
import { monthLabel, RATE_DAYS, type BudgetMonth, type MonthSpend } from './forecast.ts';

/** The instances' monthly budgets in dollars; instances with none (or with it off) are absent. */
export async function monthlyBudgets(em: EntityManager, instanceIds: readonly string[]): Promise<Map<string, number>> {
  const budgets = new Map<string, number>();
  if (instanceIds.length === 0) return budgets;
  for (const [instanceId, overrides] of await overridesForInstances(em, instanceIds)) {
    const budget = thresholdsFrom(overrides).budget.monthlyUsd;
    if (budget !== undefined) budgets.set(instanceId, budget);
  }
  return budgets;
}

/** Each instance's current month, in its workspace's time zone: one query, whatever the batch. */
export async function budgetMonths(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<Map<string, BudgetMonth>> {
  const zones = await instanceTimeZones(em, instanceIds);
  const byZone = new Map<string, BudgetMonth>();
  for (const timeZone of new Set(zones.values())) byZone.set(timeZone, { timeZone, month: monthAround(now, timeZone), monthLabel: monthLabel(now, timeZone) });
  return new Map([...zones].map(([id, timeZone]) => [id, byZone.get(timeZone)!]));
}

/**
 * This month's and the trailing days' spend of each instance, in one statement: per instance, one
 * index range scan of usage_hourly (its primary key leads with instance and hour) over the month
 * or the trailing days, whichever starts earlier, and one probe for its first hour.
 */
export async function budgetSpend(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<Map<string, MonthSpend>> {
  const spend = new Map<string, MonthSpend>();
  if (instanceIds.length === 0) return spend;
  const months = await budgetMonths(em, instanceIds, now);
  const ids = [...months.keys()];
  const end = windowsEnd(now);
  const trailingStart = new Date(end.getTime() - RATE_DAYS * DAY_MS);
  const rows = await em.execute<{ instance_id: string; month_usd: number | null; trailing_usd: number | null; since: string | null }[]>(
    `select x.id as instance_id, u.month_usd, u.trailing_usd, (select min(hour) from usage_hourly where instance_id = x.id) as since
       from unnest(?::uuid[], ?::timestamptz[]) as x(id, month_start)
       cross join lateral (
         select sum(cost_usd) filter (where hour >= x.month_start)::float8 as month_usd,
                sum(cost_usd) filter (where hour >= ?)::float8 as trailing_usd
           from usage_hourly where instance_id = x.id and hour >= least(x.month_start, ?::timestamptz) and hour < ?
       ) u`,
    [sqlArray(ids), sqlArray(ids.map((id) => months.get(id)!.month.start.toISOString())), trailingStart, trailingStart, end],
  );
  for (const row of rows) {
    spend.set(row.instance_id, {
      ...months.get(row.instance_id)!,
      monthToDateUsd: Number(row.month_usd ?? 0),
      trailingUsd: Number(row.trailing_usd ?? 0),
      historySince: row.since ? new Date(row.since) : undefined,
    });
  }
  return spend;
}

/** Month-to-date spend per instance, each month in its workspace's time zone. */
export async function monthToDateSpend(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<Map<string, number>> {
  return new Map([...(await budgetSpend(em, instanceIds, now))].map(([id, spend]) => [id, spend.monthToDateUsd]));
}

export interface BudgetStanding {
  monthlyUsd: number;
  monthToDateUsd: number;
}

/** Month-to-date against the budget, for the instances that have one (the others are absent). */
export async function budgetStandings(em: EntityManager, instanceIds: readonly string[], now: Date): Promise<Map<string, BudgetStanding>> {
  const budgets = await monthlyBudgets(em, instanceIds);
  const spent = await monthToDateSpend(em, [...budgets.keys()], now);
  return new Map([...budgets].map(([id, monthlyUsd]) => [id, { monthlyUsd, monthToDateUsd: spent.get(id) ?? 0 }]));
}

/** The workspace's instances that have a budget, by name, each with its month-to-date. */
export async function workspaceBudgetStandings(em: EntityManager, workspaceId: string, now: Date): Promise<(BudgetStanding & { name: string })[]> {
  const instances = await em.execute<{ id: string; name: string }[]>(`select id, name from instance where workspace_id = ? order by name`, [workspaceId]);
  const standings = await budgetStandings(em, instances.map((i) => i.id), now);
  return instances.filter((i) => standings.has(i.id)).map((i) => ({ name: i.name, ...standings.get(i.id)! }));
}
