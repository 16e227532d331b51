/**
 * Everything the per-instance rules need, read in a handful of queries: the newest state, cron
 * jobs, and hourly usage for the cost and error windows.
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
  spend: HourlySpend[];
  historySince?: Date;
  calls: HourlyCalls[];
}

const DAY_MS = 86_400_000;

export async function loadInstanceFacts(em: EntityManager, instanceId: string, now: Date): Promise<InstanceFacts> {
  const [state] = await em.execute<{ paused: boolean; gateway: GatewayFacts['gateway'] | null; security: SecurityFacts | null }[]>(
    `select i.paused_at is not null as paused, s.gateway, s.security
       from instance i left join instance_state s on s.instance_id = i.id where i.id = ?`,
    [instanceId],
  );
  const cronRows = await em.execute<
    {
      job_id: string;
      name: string;
      enabled: boolean;
      schedule: { everyMs?: number };
      last_run_at: string | null;
      last_status: CronJobFacts['lastStatus'] | null;
      last_error_reason: string | null;
      next_run_at: string | null;
      consecutive_errors: number;
      auto_disabled: boolean;
    }[]
  >(`select * from cron_job where instance_id = ? order by job_id`, [instanceId]);
  const usage = await em.execute<{ hour: string; model: string; runs: string; errors: string; cost_usd: number }[]>(
    `select hour, model, runs, errors, cost_usd from usage_hourly where instance_id = ? and hour >= ?`,
    [instanceId, new Date(now.getTime() - 8 * DAY_MS - 3_600_000)],
  );
  const [history] = await em.execute<{ since: string | null }[]>(`select min(hour) as since from usage_hourly where instance_id = ?`, [instanceId]);
  const callsByHour = new Map<number, HourlyCalls>();
  for (const row of usage) {
    const hour = new Date(row.hour);
    const calls = callsByHour.get(hour.getTime()) ?? { hour, runs: 0, errors: 0 };
    calls.runs += Number(row.runs);
    calls.errors += Number(row.errors);
    callsByHour.set(hour.getTime(), calls);
  }
  return {
    instanceId,
    paused: state?.paused ?? true,
    gateway: state?.gateway ?? undefined,
    security: state?.security ?? undefined,
    cron: cronRows.map((row) => ({
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
    })),
    spend: usage.map((row) => ({ hour: new Date(row.hour), model: row.model, costUsd: row.cost_usd })),
    historySince: history?.since ? new Date(history.since) : undefined,
    calls: [...callsByHour.values()],
  };
}
