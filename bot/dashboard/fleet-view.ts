/**
 * The fleet page's figures: every instance of the workspace with its state, last sync, expected
 * interval, spend today against its usual, open events, cron health and versions; totals on top.
 * Spend is left out entirely (undefined) for someone who may not see it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workspace } from '../storage/entities/index.ts';
import type { SpendBaselineCache } from './spend-baselines.ts';

const DAY_MS = 86_400_000;

/** The states the fleet page filters by; `gateway-down` is an open gateway-down event. */
export type FleetState = 'ok' | 'stale' | 'gateway-down' | 'paused' | 'never-synced';
export const FLEET_STATES: readonly FleetState[] = ['ok', 'stale', 'gateway-down', 'paused', 'never-synced'];

export interface FleetRow {
  name: string;
  state: FleetState;
  lastSeenAt?: Date;
  intervalSeconds: number;
  spendTodayUsd?: number;
  usualUsd?: number;
  openEvents: number;
  cron: { ok: number; failing: number; missed: number };
  agentVersion?: string;
  openclawVersion?: string;
}

export interface FleetView {
  workspace: string;
  rows: FleetRow[];
  totals: { instances: number; openEvents: number; spendTodayUsd?: number; monthToDateUsd?: number; byState: Record<FleetState, number> };
  generatedAt: Date;
}

/** The state a row shows; the same precedence as `/deepclaw status` (paused, never synced, stale), then gateway down. */
export function fleetStateOf(row: { paused: boolean; lastSeenAt?: Date; stale: boolean; gatewayDown: boolean }): FleetState {
  if (row.paused) return 'paused';
  if (!row.lastSeenAt) return 'never-synced';
  if (row.stale) return 'stale';
  if (row.gatewayDown) return 'gateway-down';
  return 'ok';
}

export async function fleetView(em: EntityManager, input: { workspace: Workspace; now: Date; showCost: boolean; baselines: SpendBaselineCache }): Promise<FleetView> {
  const { workspace, now } = input;
  const rows = await em.execute<
    {
      id: string; name: string; paused: boolean; interval_seconds: number; last_seen_at: string | null; agent_interval_seconds: number | null;
      agent_version: string | null; openclaw_version: string | null; open_events: number | null; stale: boolean | null; down: boolean | null;
      cron_failing: number | null; cron_enabled: number | null; cron_missed: number | null;
    }[]
  >(
    `select i.id, i.name, i.paused_at is not null as paused, i.interval_seconds, s.last_seen_at, s.agent_interval_seconds,
            s.agent_version, s.gateway->>'version' as openclaw_version,
            ev.open_events, ev.stale, ev.down, ev.cron_missed, c.cron_failing, c.cron_enabled
       from instance i
       left join instance_state s on s.instance_id = i.id
       left join (select e.instance_id, count(*)::int as open_events, bool_or(e.kind = 'stale') as stale, bool_or(e.kind = 'gateway-down') as down,
                         (count(*) filter (where e.kind = 'cron-missed'))::int as cron_missed
                    from event e join instance i2 on i2.id = e.instance_id
                   where i2.workspace_id = ? and e.state <> 'resolved' group by e.instance_id) ev on ev.instance_id = i.id
       left join (select j.instance_id, (count(*) filter (where j.last_status = 'error' or j.auto_disabled))::int as cron_failing,
                         (count(*) filter (where j.enabled or j.auto_disabled))::int as cron_enabled
                    from cron_job j join instance i3 on i3.id = j.instance_id
                   where i3.workspace_id = ? group by j.instance_id) c on c.instance_id = i.id
      where i.workspace_id = ? order by i.name`,
    [workspace.id, workspace.id, workspace.id],
  );
  let spendToday = new Map<string, number>();
  let baselines: Awaited<ReturnType<SpendBaselineCache['get']>> | undefined;
  if (input.showCost) {
    const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
    const [spend, cached] = await Promise.all([
      em.execute<{ instance_id: string; usd: number }[]>(
        `select u.instance_id, sum(u.cost_usd)::float8 as usd from usage_hourly u join instance i on i.id = u.instance_id
          where i.workspace_id = ? and u.hour >= ? group by 1`,
        [workspace.id, today],
      ),
      input.baselines.get(em.fork(), workspace, now),
    ]);
    spendToday = new Map(spend.map((r) => [r.instance_id, Number(r.usd)]));
    baselines = cached;
  }
  const byState = Object.fromEntries(FLEET_STATES.map((s) => [s, 0])) as Record<FleetState, number>;
  const fleet: FleetRow[] = rows.map((row) => {
    const lastSeenAt = row.last_seen_at ? new Date(row.last_seen_at) : undefined;
    const state = fleetStateOf({ paused: row.paused, lastSeenAt, stale: Boolean(row.stale), gatewayDown: Boolean(row.down) });
    byState[state] += 1;
    const failing = row.cron_failing ?? 0;
    const missed = row.cron_missed ?? 0;
    return {
      name: row.name,
      state,
      lastSeenAt,
      intervalSeconds: row.agent_interval_seconds ?? row.interval_seconds,
      ...(baselines ? { spendTodayUsd: spendToday.get(row.id) ?? 0, usualUsd: baselines.usualByInstance.get(row.id) ?? 0 } : {}),
      openEvents: row.open_events ?? 0,
      cron: { ok: Math.max(0, (row.cron_enabled ?? 0) - failing - missed), failing, missed },
      agentVersion: row.agent_version ?? undefined,
      openclawVersion: row.openclaw_version ?? undefined,
    };
  });
  const spendTodayUsd = [...spendToday.values()].reduce((a, b) => a + b, 0);
  return {
    workspace: workspace.name,
    rows: fleet,
    totals: {
      instances: fleet.length,
      openEvents: fleet.reduce((sum, r) => sum + r.openEvents, 0),
      ...(baselines ? { spendTodayUsd, monthToDateUsd: baselines.monthBeforeTodayUsd + spendTodayUsd } : {}),
      byState,
    },
    generatedAt: now,
  };
}

export type FleetSort = 'problems' | 'name' | 'last-sync' | 'spend';

/** Sort and filter as the page's form asks; pure, so the page and its tests agree. */
export function arrangeFleet(rows: readonly FleetRow[], options: { state?: FleetState; name?: string; sort?: FleetSort }): FleetRow[] {
  const needle = options.name?.trim().toLowerCase();
  const kept = rows.filter((r) => (!options.state || r.state === options.state) && (!needle || r.name.includes(needle)));
  const rank: Record<FleetState, number> = { stale: 0, 'gateway-down': 1, ok: 3, paused: 4, 'never-synced': 5 };
  const byName = (a: FleetRow, b: FleetRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sorters: Record<FleetSort, (a: FleetRow, b: FleetRow) => number> = {
    // Problems first, as /deepclaw status: stale, gateway down, anything with open events, the rest.
    problems: (a, b) => rankOf(a, rank) - rankOf(b, rank) || byName(a, b),
    name: byName,
    'last-sync': (a, b) => (a.lastSeenAt?.getTime() ?? 0) - (b.lastSeenAt?.getTime() ?? 0) || byName(a, b),
    spend: (a, b) => (b.spendTodayUsd ?? 0) - (a.spendTodayUsd ?? 0) || byName(a, b),
  };
  return kept.sort(sorters[options.sort ?? 'problems']);
}

function rankOf(row: FleetRow, rank: Record<FleetState, number>): number {
  if (row.state === 'ok' && row.openEvents > 0) return 2;
  return rank[row.state];
}
