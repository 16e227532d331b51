/**
 * One instance in detail, for `/deepclaw status <instance>`: last sync against its interval, the
 * gateway, sessions, spend over the last week, cron jobs and their failures, open events and the
 * security posture — everything the newest snapshot and the event table say, in one read.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Instance, Workspace } from '../storage/entities/index.ts';
import { budgetStandings, type BudgetStanding } from '../budgets/budget-spend.ts';
import { dailySpend, spendTodayVsBaseline, type DailySpend } from './spend.ts';

export interface InstanceStatus {
  name: string;
  paused: boolean;
  mutedUntil?: Date;
  intervalSeconds: number;
  lastSeenAt?: Date;
  agentVersion?: string;
  clockSkewMs?: number;
  gateway?: { version?: string; storage?: string; live?: boolean; ready?: boolean; failing?: string[] };
  sessions?: { total?: number; active24h?: number; running?: number; failed24h?: number };
  security?: { bind?: string; authMode?: string; tailscaleMode?: string; stateDirMode?: string; configMode?: string; audit?: { critical: number; warn: number } };
  cron: { total: number; failing: { name: string; reason?: string; consecutiveErrors: number; autoDisabled: boolean }[] };
  openEvents: { id: string; kind: string; state: string; summary: string; openedAt: Date }[];
  spend: DailySpend;
  todayUsd: number;
  baselineUsd: number;
  /** Month-to-date against the monthly budget, when it has one. */
  budget?: BudgetStanding;
}

export async function instanceStatus(em: EntityManager, workspace: Workspace, instance: Instance, now: Date): Promise<InstanceStatus> {
  const [state] = await em.execute<
    { last_seen_at: string; agent_version: string; agent_interval_seconds: number; clock_skew_ms: string; gateway: Record<string, unknown>; sessions: Record<string, unknown>; security: Record<string, unknown> }[]
  >(`select last_seen_at, agent_version, agent_interval_seconds, clock_skew_ms, gateway, sessions, security from instance_state where instance_id = ?`, [instance.id]);
  const cron = await em.execute<{ name: string; enabled: boolean; last_status: string | null; last_error_reason: string | null; consecutive_errors: number; auto_disabled: boolean }[]>(
    `select name, enabled, last_status, last_error_reason, consecutive_errors, auto_disabled from cron_job where instance_id = ? order by name`,
    [instance.id],
  );
  const events = await em.execute<{ id: string; kind: string; state: string; summary: string; opened_at: string }[]>(
    `select id, kind, state, summary, opened_at from event where instance_id = ? and state <> 'resolved' order by opened_at`,
    [instance.id],
  );
  const spend = await dailySpend(em, { workspace, instanceId: instance.id, days: 7, now });
  const today = await spendTodayVsBaseline(em, { workspace, instanceId: instance.id, now });
  const budget = (await budgetStandings(em, [instance.id], now)).get(instance.id);
  const audit = state?.security.audit as { critical: number; warn: number } | undefined;
  return {
    name: instance.name,
    paused: Boolean(instance.pausedAt),
    mutedUntil: instance.mutedUntil && instance.mutedUntil > now ? instance.mutedUntil : undefined,
    intervalSeconds: state?.agent_interval_seconds ?? instance.intervalSeconds,
    lastSeenAt: state ? new Date(state.last_seen_at) : undefined,
    agentVersion: state?.agent_version,
    clockSkewMs: state ? Number(state.clock_skew_ms) : undefined,
    gateway: state?.gateway as InstanceStatus['gateway'],
    sessions: state?.sessions as InstanceStatus['sessions'],
    security: state ? { ...(state.security as InstanceStatus['security']), audit: audit ? { critical: audit.critical, warn: audit.warn } : undefined } : undefined,
    cron: {
      total: cron.length,
      failing: cron
        .filter((job) => job.last_status === 'error' || job.auto_disabled)
        .map((job) => ({ name: job.name, reason: job.last_error_reason ?? undefined, consecutiveErrors: job.consecutive_errors, autoDisabled: job.auto_disabled })),
    },
    openEvents: events.map((e) => ({ id: e.id, kind: e.kind, state: e.state, summary: e.summary, openedAt: new Date(e.opened_at) })),
    spend,
    todayUsd: today.todayUsd,
    baselineUsd: today.baselineUsd,
    ...(budget ? { budget } : {}),
  };
}
