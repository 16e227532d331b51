/**
 * The slow half of the fleet page's spend figures, computed once per workspace per UTC hour: each
 * instance's usual spend by this time of day (the median of the same stretch of the 7 days
 * before, as `/deepclaw status` compares), and the month's spend before today. Both read only
 * past days, which change only by late writes, so an hour-old answer is right; today's spend,
 * which moves with every snapshot, is read on every request.
 *
 * Cost: at 10,000 instances the two sums read ~1.7M hourly rows (about a second on a small
 * server) once an hour per web process, instead of on every page view.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workspace } from '../storage/entities/index.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface SpendBaselines {
  /** Usual spend by the current hour of the day, per instance id. */
  usualByInstance: Map<string, number>;
  /** Spend of this month's days before today. */
  monthBeforeTodayUsd: number;
}

export class SpendBaselineCache {
  private readonly entries = new Map<string, { hour: number; value: Promise<SpendBaselines> }>();

  get(em: EntityManager, workspace: Workspace, now: Date): Promise<SpendBaselines> {
    const hour = Math.floor(now.getTime() / HOUR_MS);
    const cached = this.entries.get(workspace.id);
    if (cached && cached.hour === hour) return cached.value;
    const value = readSpendBaselines(em, workspace, now);
    this.entries.set(workspace.id, { hour, value });
    // A failed read is not remembered: the next request tries again.
    value.catch(() => this.entries.get(workspace.id)?.value === value && this.entries.delete(workspace.id));
    return value;
  }
}

export async function readSpendBaselines(em: EntityManager, workspace: Workspace, now: Date): Promise<SpendBaselines> {
  const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  // Hours of the day so far, counted as the hourly buckets that have begun (the current one included).
  const hoursSoFar = Math.floor((now.getTime() - today.getTime()) / HOUR_MS);
  const rows = await em.execute<{ instance_id: string; days_ago: number; usd: number }[]>(
    `select u.instance_id, (?::date - (u.hour at time zone 'UTC')::date) as days_ago, sum(u.cost_usd)::float8 as usd
       from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ? and extract(hour from u.hour at time zone 'UTC') <= ?
      group by 1, 2`,
    [today.toISOString().slice(0, 10), workspace.id, new Date(today.getTime() - 7 * DAY_MS), today, hoursSoFar],
  );
  const perInstance = new Map<string, number[]>();
  for (const row of rows) {
    const days = perInstance.get(row.instance_id) ?? [0, 0, 0, 0, 0, 0, 0];
    days[Number(row.days_ago) - 1] = Number(row.usd);
    perInstance.set(row.instance_id, days);
  }
  const usualByInstance = new Map([...perInstance].map(([id, days]) => [id, median(days)]));
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const [month] = await em.execute<{ usd: number | null }[]>(
    `select sum(u.cost_usd)::float8 as usd from usage_hourly u join instance i on i.id = u.instance_id
      where i.workspace_id = ? and u.hour >= ? and u.hour < ?`,
    [workspace.id, monthStart, today],
  );
  return { usualByInstance, monthBeforeTodayUsd: Number(month?.usd ?? 0) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
