/**
 * The fleet at a glance, for `/deepclaw status`: each instance's state (ok, stale, paused, not yet
 * synced), open events, and spend so far today. Platform-neutral; adapters render it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { budgetStandings, type BudgetStanding } from '../budgets/budget-spend.ts';
import { budgetProgress } from '../budgets/forecast.ts';
import { dollars, humanDuration } from '../human-format.ts';
import type { EventKind } from '../events/decision.ts';
import type { Workspace } from '../storage/entities/index.ts';

export type InstanceState = 'ok' | 'stale' | 'paused' | 'never-synced';

export interface FleetStatus {
  workspace: string;
  instances: { name: string; state: InstanceState; lastSeenAt?: Date; openEvents: number; openKinds: EventKind[]; budget?: BudgetStanding }[];
  openEvents: number;
  spendTodayUsd: number;
}

export async function fleetStatus(em: EntityManager, workspace: Workspace, now = new Date()): Promise<FleetStatus> {
  const rows = await em.execute<{ id: string; name: string; paused: boolean; last_seen_at: string | null; stale: boolean; open_events: number; open_kinds: EventKind[] }[]>(
    `select i.id, i.name, i.paused_at is not null as paused, s.last_seen_at,
            exists (select 1 from event e where e.instance_id = i.id and e.kind = 'stale' and e.state <> 'resolved') as stale,
            (select count(*)::int from event e where e.instance_id = i.id and e.state <> 'resolved') as open_events,
            array(select distinct e.kind from event e where e.instance_id = i.id and e.state <> 'resolved' order by e.kind) as open_kinds
       from instance i left join instance_state s on s.instance_id = i.id
      where i.workspace_id = ? order by i.name`,
    [workspace.id],
  );
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const [spend] = await em.execute<{ total: number | null }[]>(
    `select sum(u.cost_usd) as total from usage_hourly u join instance i on i.id = u.instance_id where i.workspace_id = ? and u.hour >= ?`,
    [workspace.id, startOfDay],
  );
  const budgets = await budgetStandings(em, rows.map((row) => row.id), now);
  const instances = rows.map((row) => ({
    name: row.name,
    state: (row.paused ? 'paused' : !row.last_seen_at ? 'never-synced' : row.stale ? 'stale' : 'ok') as InstanceState,
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : undefined,
    openEvents: row.open_events,
    openKinds: row.open_kinds ?? [],
    ...(budgets.has(row.id) ? { budget: budgets.get(row.id)! } : {}),
  }));
  return {
    workspace: workspace.name,
    instances,
    openEvents: instances.reduce((sum, i) => sum + i.openEvents, 0),
    spendTodayUsd: Number(spend?.total ?? 0),
  };
}

const ICONS: Record<InstanceState, string> = { ok: '🟢', stale: '🔴', paused: '⏸', 'never-synced': '⚪' };

/** Plain text, one instance a line. */
export function fleetStatusText(status: FleetStatus, now = new Date()): string {
  if (status.instances.length === 0) return `No instances in workspace "${status.workspace}" yet. Add one: deepclaw instance add <name>`;
  const counts = (['ok', 'stale', 'paused', 'never-synced'] as const)
    .map((state) => [state, status.instances.filter((i) => i.state === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state.replace('-', ' ')}`)
    .join(', ');
  const lines = status.instances.map((i) => {
    const seen = i.lastSeenAt ? `last sync ${humanDuration(now.getTime() - i.lastSeenAt.getTime())} ago` : 'no snapshot yet';
    const events = i.openEvents > 0 ? `, ${i.openEvents} open event${i.openEvents === 1 ? '' : 's'}` : '';
    const budget = i.budget ? `, ${budgetProgress(i.budget.monthToDateUsd, i.budget.monthlyUsd)}` : '';
    return `${ICONS[i.state]} ${i.name}: ${i.state.replace('-', ' ')}, ${seen}${events}${budget}`;
  });
  return [`Workspace "${status.workspace}": ${counts}; ${status.openEvents} open events; spend today ${dollars(status.spendTodayUsd)}`, ...lines].join('\n');
}
