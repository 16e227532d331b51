/**
 * Spend as chat shows it: per UTC day with the models that drove it (`/deepclaw cost`), and
 * "today so far" against the same part of the day over the week before (`/deepclaw status`).
 * Figures come from usage_hourly, which holds each (instance, hour, model) bucket at its latest
 * cumulative value.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workspace } from '../storage/entities/index.ts';

const DAY_MS = 86_400_000;

export interface DailySpend {
  /** Oldest first; every day of the range, including days with no spend. */
  days: { day: Date; usd: number }[];
  /** Highest spend first, at most five. */
  topModels: { model: string; usd: number; share: number }[];
  totalUsd: number;
}

export function startOfUtcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

/** The last `days` UTC days up to and including today, for the workspace or one instance. */
export async function dailySpend(em: EntityManager, input: { workspace: Workspace; instanceId?: string; days: number; now: Date }): Promise<DailySpend> {
  const from = new Date(startOfUtcDay(input.now).getTime() - (input.days - 1) * DAY_MS);
  const scope = input.instanceId ? 'u.instance_id = ?' : 'i.workspace_id = ?';
  const scopeValue = input.instanceId ?? input.workspace.id;
  const perDay = await em.execute<{ day: string; usd: number }[]>(
    `select date_trunc('day', u.hour, 'UTC') as day, sum(u.cost_usd)::float8 as usd
       from usage_hourly u join instance i on i.id = u.instance_id
      where ${scope} and u.hour >= ? group by 1`,
    [scopeValue, from],
  );
  const models = await em.execute<{ model: string; usd: number }[]>(
    `select u.model, sum(u.cost_usd)::float8 as usd
       from usage_hourly u join instance i on i.id = u.instance_id
      where ${scope} and u.hour >= ? group by u.model order by usd desc, u.model limit 5`,
    [scopeValue, from],
  );
  const byDay = new Map(perDay.map((row) => [new Date(row.day).getTime(), Number(row.usd)]));
  const days = Array.from({ length: input.days }, (_, i) => {
    const day = new Date(from.getTime() + i * DAY_MS);
    return { day, usd: byDay.get(day.getTime()) ?? 0 };
  });
  const totalUsd = days.reduce((sum, d) => sum + d.usd, 0);
  return {
    days,
    topModels: models.filter((m) => Number(m.usd) > 0).map((m) => ({ model: m.model, usd: Number(m.usd), share: totalUsd > 0 ? Number(m.usd) / totalUsd : 0 })),
    totalUsd,
  };
}

/**
 * Today's spend so far, and the median of the same stretch of each of the 7 days before (midnight
 * to the same time of day): a morning is compared with mornings, not with whole days.
 */
export async function spendTodayVsBaseline(em: EntityManager, input: { workspace: Workspace; instanceId?: string; now: Date }): Promise<{ todayUsd: number; baselineUsd: number }> {
  const scope = input.instanceId ? 'u.instance_id = ?' : 'i.workspace_id = ?';
  const rows = await em.execute<{ days_ago: number; usd: number | null }[]>(
    `select d.days_ago, (select sum(u.cost_usd)::float8 from usage_hourly u join instance i on i.id = u.instance_id
                          where ${scope} and u.hour >= ?::timestamptz - make_interval(days => d.days_ago)
                            and u.hour <= ?::timestamptz - make_interval(days => d.days_ago)) as usd
       from generate_series(0, 7) as d(days_ago)`,
    [input.instanceId ?? input.workspace.id, startOfUtcDay(input.now), input.now],
  );
  const today = Number(rows.find((r) => r.days_ago === 0)?.usd ?? 0);
  const previous = rows.filter((r) => r.days_ago > 0).map((r) => Number(r.usd ?? 0)).sort((a, b) => a - b);
  return { todayUsd: today, baselineUsd: median(previous) };
}

function median(sorted: number[]): number {
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
