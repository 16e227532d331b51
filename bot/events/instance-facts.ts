/**
 * Everything the per-instance rules need, for a batch of instances in five queries whatever the
 * batch size: newest state, cron jobs, usage, the start of usage history, and nothing else.
 *
 * Usage is summed in SQL to what the rules look at, so a tick reads a few rows per instance, not
 * eight days of hourly rows:
 * - spend per model per 24-hour window (window 0 is the trailing 24 h ending with the current
 *   hour, 1–7 the days before), each handed to the cost rule as one hour inside its window;
 * - model calls in "the last hour" and in the 24 hours before it, each handed to the error rule
 *   as one hour inside its span.
 * The rules only ever sum by those windows, so their decisions are the same as on hourly rows
 * (instance-facts.test.ts holds the two to the same answers).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CronJobFacts } from './rules/cron-failed.ts';
import type { HourlySpend } from './rules/cost-drift.ts';
import type { HourlyCalls } from './rules/error-spike.ts';
import type { GatewayFacts } from './rules/gateway-down.ts';
import type { SecurityFacts } from './rules/security.ts';

export interface InstanceFacts {
  instanceId: string;
  paused: boolean;
  gateway: GatewayFacts['gateway'];
  security?: SecurityFacts;
  cron: CronJobFacts[];
  /** Whether usage was read (spend, calls, historySince); without it the usage rules do not run. */
  usageLoaded: boolean;
  spend: HourlySpend[];
  historySince?: Date;
  calls: HourlyCalls[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Postgres array literal of ids (uuids hold no comma, quote or brace). */
const idArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** `withUsage`: the instances whose usage to read as well (default: all of them). */
export async function loadInstanceFacts(
  em: EntityManager,
  instanceIds: readonly string[],
  now: Date,
  withUsage: readonly string[] = instanceIds,
): Promise<Map<string, InstanceFacts>> {
  const ids = idArray(instanceIds);
  // The windows the rules use: cost-drift's end with the current hour, error-spike's "last hour"
  // starts an hour before the current one.
  const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS);
  const recentStart = new Date(end.getTime() - 2 * HOUR_MS);
  const baselineStart = new Date(recentStart.getTime() - DAY_MS);
  const facts = new Map<string, InstanceFacts>();

  const states = await em.execute<{ id: string; paused: boolean; gateway: GatewayFacts['gateway'] | null; security: SecurityFacts | null }[]>(
    `select i.id, i.paused_at is not null as paused, s.gateway, s.security
       from instance i left join instance_state s on s.instance_id = i.id where i.id = any(?::uuid[])`,
    [ids],
  );
  for (const state of states) {
    facts.set(state.id, {
      instanceId: state.id,
      paused: state.paused,
      gateway: state.gateway ?? undefined,
      security: state.security ?? undefined,
      usageLoaded: false,
      cron: [],
      spend: [],
      calls: [],
    });
  }

  const cronRows = await em.execute<
    {
      instance_id: string;
      job_id: string;
      name: string;
      enabled: boolean;
      schedule: { everyMs?: number } | null;
      last_run_at: string | null;
      last_status: CronJobFacts['lastStatus'] | null;
      last_error_reason: string | null;
      next_run_at: string | null;
      consecutive_errors: number;
      auto_disabled: boolean;
    }[]
  >(
    `select c.instance_id, c.job_id, c.name, c.enabled, c.schedule, c.last_run_at, c.last_status, c.last_error_reason, c.next_run_at, c.consecutive_errors, c.auto_disabled
       from unnest(?::uuid[]) as x(id) cross join lateral (select * from cron_job where instance_id = x.id order by job_id) c`,
    [ids],
  );
  for (const row of cronRows) {
    facts.get(row.instance_id)?.cron.push({
      id: row.job_id,
      name: row.name,
      enabled: row.enabled,
      lastRunAt: row.last_run_at ? new Date(row.last_run_at) : undefined,
      lastStatus: row.last_status ?? undefined,
      lastErrorReason: row.last_error_reason ?? undefined,
      nextRunAt: row.next_run_at ? new Date(row.next_run_at) : undefined,
      consecutiveErrors: row.consecutive_errors,
      autoDisabled: row.auto_disabled,
      everyMs: row.schedule?.everyMs,
    });
  }

  if (withUsage.length === 0) return facts;
  const usageIds = idArray(withUsage);
  for (const id of withUsage) {
    const instance = facts.get(id);
    if (instance) instance.usageLoaded = true;
  }
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
    [usageIds, end, recentStart, recentStart, baselineStart, recentStart, baselineStart, recentStart, new Date(end.getTime() - 8 * DAY_MS), end],
  );
  const calls = new Map<string, { recent: HourlyCalls; base: HourlyCalls }>();
  for (const row of usage) {
    const instance = facts.get(row.instance_id);
    if (!instance) continue;
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
    [usageIds],
  );
  for (const row of history) {
    const instance = facts.get(row.instance_id);
    if (instance && row.since) instance.historySince = new Date(row.since);
  }
  return facts;
}
