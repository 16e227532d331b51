/**
 * The instance page's figures: 30 days of spend per day and model, 48 hours of tokens and errors
 * per hour, runs per model, cron jobs with a strip of recent outcomes, the security posture and
 * what regressed when, the event timeline, sync history with its gaps, and the sync tokens.
 * Spend is left out (undefined) for someone who may not see it.
 */
import { inflateRawSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../errors.ts';
import type { Workspace } from '../storage/entities/index.ts';
import { withoutCost } from './cost-visibility.ts';
import { fleetStateOf, type FleetState } from './fleet-view.ts';
import { scheduleInWords, type Schedule } from './schedule-words.ts';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Snapshots read for the cron strips: two days of 5-minute syncs at most (~2 KB each, compressed). */
const STRIP_SNAPSHOTS = 120;
const STRIP_RUNS = 12;

export interface CronRow {
  name: string;
  schedule: string;
  enabled: boolean;
  lastRunAt?: Date;
  lastStatus?: string;
  lastErrorReason?: string;
  nextRunAt?: Date;
  consecutiveErrors: number;
  autoDisabled: boolean;
  /** Oldest first: the outcomes of the runs the recent snapshots saw. */
  recent: { at: Date; status: string }[];
}

export interface TimelineEvent {
  id: string;
  kind: string;
  state: string;
  summary: string;
  openedAt: Date;
  ackedAt?: Date;
  ackedBy?: string;
  resolvedAt?: Date;
  resolveSummary?: string;
  /** Open events: so far. */
  durationMs: number;
}

export interface InstanceView {
  name: string;
  state: FleetState;
  pausedAt?: Date;
  mutedUntil?: Date;
  intervalSeconds: number;
  lastSeenAt?: Date;
  agentVersion?: string;
  openclawVersion?: string;
  gateway?: { live?: boolean; ready?: boolean; failing?: string[] };
  /** 30 UTC days, oldest first, each with its spend per model (absent when cost is hidden). */
  spendByDay?: { day: Date; byModel: Record<string, number> }[];
  models: string[];
  /** 48 hours, oldest first. */
  hourly: { hour: Date; tokens: number; errors: number; runs: number }[];
  /** Over the 30 days, most runs first. */
  runsByModel: { model: string; runs: number; usd?: number }[];
  cron: CronRow[];
  security: { current: Record<string, unknown>; changes: TimelineEvent[] };
  events: TimelineEvent[];
  /** Snapshots received over the last 48 hours, oldest first, and the gaps longer than twice the interval. */
  syncs: { receivedAt: Date[]; gaps: { from: Date; to: Date }[] };
  tokens: { visibleId: string; createdAt: Date; createdBy: string; firstUsedAt?: Date; state: 'working' | 'expiring' | 'revoked' | 'expired'; worksUntil?: Date }[];
}

export async function instanceView(em: EntityManager, input: { workspace: Workspace; name: string; now: Date; showCost: boolean }): Promise<InstanceView> {
  const { workspace, now } = input;
  // Scoped by workspace: another workspace's instance is "not found", exactly like a missing one.
  const [instance] = await em.execute<{ id: string; name: string; paused_at: string | null; muted_until: string | null; interval_seconds: number }[]>(
    'select id, name, paused_at, muted_until, interval_seconds from instance where workspace_id = ? and name = ?',
    [workspace.id, input.name],
  );
  if (!instance) throw new NotFoundError('unknown_instance', `there is no instance named "${input.name}" in this workspace.`);
  const id = instance.id;
  const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const from30 = new Date(today.getTime() - 29 * DAY_MS);
  const thisHour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const from48 = new Date(thisHour.getTime() - 47 * HOUR_MS);

  const [stateRows, daily, hourly, models, cron, events, syncs, tokens, snapshots] = await Promise.all([
    em.execute<{ last_seen_at: string; agent_version: string; agent_interval_seconds: number; gateway: Record<string, unknown>; security: Record<string, unknown> }[]>(
      'select last_seen_at, agent_version, agent_interval_seconds, gateway, security from instance_state where instance_id = ?',
      [id],
    ),
    input.showCost
      ? em.execute<{ day: string; model: string; usd: number }[]>(
          `select date_trunc('day', hour, 'UTC') as day, model, sum(cost_usd)::float8 as usd from usage_hourly
            where instance_id = ? and hour >= ? group by 1, 2`,
          [id, from30],
        )
      : Promise.resolve([]),
    em.execute<{ hour: string; tokens: string; errors: string; runs: string }[]>(
      `select hour, sum(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens)::text as tokens, sum(errors)::text as errors, sum(runs)::text as runs
         from usage_hourly where instance_id = ? and hour >= ? group by hour`,
      [id, from48],
    ),
    em.execute<{ model: string; runs: string; usd: number }[]>(
      `select model, sum(runs)::text as runs, sum(cost_usd)::float8 as usd from usage_hourly where instance_id = ? and hour >= ? group by model order by sum(runs) desc, model`,
      [id, from30],
    ),
    em.execute<{ job_id: string; name: string; enabled: boolean; schedule: Schedule; last_run_at: string | null; last_status: string | null; last_error_reason: string | null; next_run_at: string | null; consecutive_errors: number; auto_disabled: boolean }[]>(
      `select job_id, name, enabled, schedule, last_run_at, last_status, last_error_reason, next_run_at, consecutive_errors, auto_disabled
         from cron_job where instance_id = ? order by name, job_id`,
      [id],
    ),
    em.execute<{ id: string; kind: string; state: string; summary: string; details: Record<string, unknown>; opened_at: string; acked_at: string | null; acked_by: string | null; resolved_at: string | null; resolve_summary: string | null }[]>(
      `select id, kind, state, summary, details, opened_at, acked_at, acked_by, resolved_at, resolve_summary
         from event where instance_id = ? order by opened_at desc limit 100`,
      [id],
    ),
    em.execute<{ received_at: string }[]>('select received_at from snapshot where instance_id = ? and received_at >= ? order by received_at', [id, new Date(now.getTime() - 48 * HOUR_MS)]),
    em.execute<{ visible_id: string; created_at: string; created_by: string; first_used_at: string | null; expires_at: string | null; revoked_at: string | null }[]>(
      'select visible_id, created_at, created_by, first_used_at, expires_at, revoked_at from sync_token where instance_id = ? order by created_at desc limit 20',
      [id],
    ),
    em.execute<{ body: Buffer }[]>('select body from snapshot where instance_id = ? order by received_at desc limit ?', [id, STRIP_SNAPSHOTS]),
  ]);
  const state = stateRows[0];
  const lastSeenAt = state ? new Date(state.last_seen_at) : undefined;
  const intervalSeconds = state?.agent_interval_seconds ?? instance.interval_seconds;
  const timeline = events.map((e) => toTimelineEvent(e, now, input.showCost));
  const open = timeline.filter((e) => e.state !== 'resolved');

  const modelNames = [...new Set(daily.map((r) => r.model))].sort();
  const spendByDay = input.showCost
    ? Array.from({ length: 30 }, (_, i) => {
        const day = new Date(from30.getTime() + i * DAY_MS);
        const byModel: Record<string, number> = {};
        for (const row of daily) if (new Date(row.day).getTime() === day.getTime()) byModel[row.model] = Number(row.usd);
        return { day, byModel };
      })
    : undefined;
  const hourlyByTime = new Map(hourly.map((r) => [new Date(r.hour).getTime(), r]));
  const hours = Array.from({ length: 48 }, (_, i) => {
    const hour = new Date(from48.getTime() + i * HOUR_MS);
    const row = hourlyByTime.get(hour.getTime());
    return { hour, tokens: Number(row?.tokens ?? 0), errors: Number(row?.errors ?? 0), runs: Number(row?.runs ?? 0) };
  });
  const receivedAt = syncs.map((s) => new Date(s.received_at));
  const gaps: { from: Date; to: Date }[] = [];
  for (let i = 1; i < receivedAt.length; i++) {
    if (receivedAt[i]!.getTime() - receivedAt[i - 1]!.getTime() > 2 * intervalSeconds * 1000) gaps.push({ from: receivedAt[i - 1]!, to: receivedAt[i]! });
  }
  const strips = cronStrips(snapshots.map((s) => s.body));

  return {
    name: instance.name,
    state: fleetStateOf({ paused: instance.paused_at !== null, lastSeenAt, stale: open.some((e) => e.kind === 'stale'), gatewayDown: open.some((e) => e.kind === 'gateway-down') }),
    pausedAt: instance.paused_at ? new Date(instance.paused_at) : undefined,
    mutedUntil: instance.muted_until && new Date(instance.muted_until) > now ? new Date(instance.muted_until) : undefined,
    intervalSeconds,
    lastSeenAt,
    agentVersion: state?.agent_version,
    openclawVersion: typeof state?.gateway.version === 'string' ? state.gateway.version : undefined,
    gateway: state ? { live: state.gateway.live as boolean | undefined, ready: state.gateway.ready as boolean | undefined, failing: state.gateway.failing as string[] | undefined } : undefined,
    spendByDay,
    models: modelNames,
    hourly: hours,
    runsByModel: models.map((m) => ({ model: m.model, runs: Number(m.runs), ...(input.showCost ? { usd: Number(m.usd) } : {}) })),
    cron: cron.map((job) => ({
      name: job.name,
      schedule: scheduleInWords(job.schedule),
      enabled: job.enabled,
      lastRunAt: job.last_run_at ? new Date(job.last_run_at) : undefined,
      lastStatus: job.last_status ?? undefined,
      lastErrorReason: job.last_error_reason ?? undefined,
      nextRunAt: job.next_run_at ? new Date(job.next_run_at) : undefined,
      consecutiveErrors: job.consecutive_errors,
      autoDisabled: job.auto_disabled,
      recent: strips.get(job.job_id) ?? (job.last_run_at && job.last_status ? [{ at: new Date(job.last_run_at), status: job.last_status }] : []),
    })),
    security: { current: state?.security ?? {}, changes: timeline.filter((e) => e.kind === 'security') },
    events: timeline,
    syncs: { receivedAt, gaps },
    tokens: tokens.map((t) => {
      const expiresAt = t.expires_at ? new Date(t.expires_at) : undefined;
      const tokenState = t.revoked_at ? 'revoked' : expiresAt && expiresAt <= now ? 'expired' : expiresAt ? 'expiring' : 'working';
      return { visibleId: t.visible_id, createdAt: new Date(t.created_at), createdBy: t.created_by, firstUsedAt: t.first_used_at ? new Date(t.first_used_at) : undefined, state: tokenState, worksUntil: expiresAt };
    }),
  };
}

export function toTimelineEvent(
  e: { id: string; kind: string; state: string; summary: string; details?: Record<string, unknown>; opened_at: string; acked_at: string | null; acked_by: string | null; resolved_at: string | null; resolve_summary: string | null },
  now: Date,
  showCost: boolean,
): TimelineEvent & { details: Record<string, unknown> } {
  const openedAt = new Date(e.opened_at);
  const resolvedAt = e.resolved_at ? new Date(e.resolved_at) : undefined;
  const shown = showCost ? { summary: e.summary, details: e.details ?? {} } : withoutCost(e.summary, e.details ?? {});
  const resolveSummary = e.resolve_summary ? (showCost ? e.resolve_summary : withoutCost(e.resolve_summary, {}).summary) : undefined;
  return {
    id: e.id,
    kind: e.kind,
    state: e.state,
    summary: shown.summary,
    details: shown.details,
    openedAt,
    ackedAt: e.acked_at ? new Date(e.acked_at) : undefined,
    ackedBy: e.acked_by ?? undefined,
    resolvedAt,
    resolveSummary,
    durationMs: (resolvedAt ?? now).getTime() - openedAt.getTime(),
  };
}

/** Each job's distinct runs (by `lastRunAt`) as the recent snapshots saw them, oldest first. */
function cronStrips(bodies: Buffer[]): Map<string, { at: Date; status: string }[]> {
  const runs = new Map<string, Map<string, string>>();
  for (const body of bodies) {
    let snapshot: { cron?: { id: string; lastRunAt?: string; lastStatus?: string }[] };
    try {
      snapshot = JSON.parse(inflateRawSync(body).toString('utf8'));
    } catch {
      continue;
    }
    for (const job of snapshot.cron ?? []) {
      if (!job.lastRunAt || !job.lastStatus) continue;
      const seen = runs.get(job.id) ?? new Map<string, string>();
      if (!seen.has(job.lastRunAt)) seen.set(job.lastRunAt, job.lastStatus);
      runs.set(job.id, seen);
    }
  }
  return new Map(
    [...runs].map(([id, seen]) => [
      id,
      [...seen]
        .map(([at, status]) => ({ at: new Date(at), status }))
        .sort((a, b) => a.at.getTime() - b.at.getTime())
        .slice(-STRIP_RUNS),
    ]),
  );
}
