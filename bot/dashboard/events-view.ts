/**
 * The events page: open events and those of the last 30 days, filtered by kind and instance,
 * newest first, each with the figures that opened it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workspace } from '../storage/entities/index.ts';
import { toTimelineEvent, type TimelineEvent } from './instance-view.ts';

export const RECENT_DAYS = 30;
export const EVENTS_LIMIT = 500;

export type ListedDashboardEvent = TimelineEvent & { instance: string; details: Record<string, unknown> };

export async function eventsView(
  em: EntityManager,
  input: { workspace: Workspace; now: Date; showCost: boolean; kind?: string; instance?: string; from?: Date; to?: Date; limit?: number },
): Promise<ListedDashboardEvent[]> {
  const since = input.from ?? new Date(input.now.getTime() - RECENT_DAYS * 86_400_000);
  const rows = await em.execute<
    { id: string; instance: string; kind: string; state: string; summary: string; details: Record<string, unknown>; opened_at: string; acked_at: string | null; acked_by: string | null; resolved_at: string | null; resolve_summary: string | null }[]
  >(
    `select e.id, i.name as instance, e.kind, e.state, e.summary, e.details, e.opened_at, e.acked_at, e.acked_by, e.resolved_at, e.resolve_summary
       from event e join instance i on i.id = e.instance_id
      where i.workspace_id = ? and (e.state <> 'resolved' or e.opened_at >= ?) and (?::timestamptz is null or e.opened_at < ?::timestamptz)
        and (?::text is null or e.kind = ?::text) and (?::text is null or i.name = ?::text)
      order by (e.state <> 'resolved') desc, e.opened_at desc, e.id limit ?`,
    [input.workspace.id, since, input.to ?? null, input.to ?? null, input.kind ?? null, input.kind ?? null, input.instance ?? null, input.instance ?? null, input.limit ?? EVENTS_LIMIT],
  );
  return rows.map((row) => ({ ...toTimelineEvent(row, input.now, input.showCost), instance: row.instance }));
}
