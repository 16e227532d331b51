/**
 * Everything the per-instance rules need, for a batch of instances in a handful of queries
 * whatever the batch size: newest state, cron jobs and, where asked, usage (usage-facts.ts).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BudgetMonth, MonthSpend } from '../budgets/forecast.ts';
import type { CronJobFacts } from './rules/cron-failed.ts';
import type { GatewayFacts } from './rules/gateway-down.ts';
import type { SecurityFacts } from './rules/security.ts';
import { loadUsageFacts, type UsageFacts } from './usage-facts.ts';
import { sqlArray } from '../storage/sql-array.ts';

export interface InstanceFacts extends UsageFacts {
  instanceId: string;
  paused: boolean;
  gateway: GatewayFacts['gateway'];
  security?: SecurityFacts;
  cron: CronJobFacts[];
  /** Whether usage was read (spend, calls, historySince); without it the usage rules do not run. */
  usageLoaded: boolean;
  /** It has synced and its first contact was never announced (bot/notifications/first-contact.ts). */
  unannounced: boolean;
  /**
   * For the budget rule (set by the evaluator, which knows the thresholds): this month's spend,
   * for instances with a budget or an open budget event whose usage changed; only the month, for
   * those with an open budget event whose usage did not. Absent, the budget rule does not run.
   */
  budget?: BudgetMonth | MonthSpend;
}

/** `withUsage`: the instances whose usage to read as well (default: all of them). */
export async function loadInstanceFacts(
  em: EntityManager,
  instanceIds: readonly string[],
  now: Date,
  withUsage: readonly string[] = instanceIds,
): Promise<Map<string, InstanceFacts>> {
  const ids = sqlArray(instanceIds);
  const facts = new Map<string, InstanceFacts>();

  const states = await em.execute<{ id: string; paused: boolean; unannounced: boolean; gateway: GatewayFacts['gateway'] | null; security: SecurityFacts | null }[]>(
    `select i.id, i.paused_at is not null as paused, i.connected_at is null and s.instance_id is not null as unannounced, s.gateway, s.security
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
      unannounced: state.unannounced,
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
      every_ms: number | null;
      last_run_at: string | null;
      last_status: CronJobFacts['lastStatus'] | null;
      last_error_reason: string | null;
      next_run_at: string | null;
      consecutive_errors: number;
      auto_disabled: boolean;
    }[]
  >(
    `select c.instance_id, c.job_id, c.name, c.enabled, (c.schedule->>'everyMs')::float8 as every_ms, c.last_run_at, c.last_status, c.last_error_reason, c.next_run_at, c.consecutive_errors, c.auto_disabled
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
      everyMs: row.every_ms ?? undefined,
    });
  }

  for (const [instanceId, usage] of await loadUsageFacts(em, withUsage, now)) {
    const instance = facts.get(instanceId);
    if (instance) Object.assign(instance, usage, { usageLoaded: true });
  }
  return facts;
}
