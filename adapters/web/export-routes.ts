/**
 * CSV and JSON exports for a date range, in the session's workspace: daily spend per instance and
 * model (`/reports/spend.csv?from=…&to=…`), and events. Spend exports are refused to viewers when
 * the workspace hides cost from them; event exports then carry no amounts.
 */
import type Router from '@koa/router';
import { seesCost } from '../../bot/dashboard/cost-visibility.ts';
import { day, rangeEnd, toDayRange } from '../../bot/dashboard/day-range.ts';
import { eventsView } from '../../bot/dashboard/events-view.ts';
import { workspaceSettings } from '../../bot/dashboard/settings.ts';
import { spendRows } from '../../bot/dashboard/spend-report.ts';
import { requireViewer, type DashboardContext, type DashboardDependencies, type DashboardState } from './dashboard-context.ts';
import { DashboardHttpError } from './dashboard-error.ts';
import { toCsv } from './csv.ts';

function rangeOf(ctx: DashboardContext, now: Date) {
  const text = (name: string) => (typeof ctx.query[name] === 'string' && ctx.query[name] ? (ctx.query[name] as string) : undefined);
  return toDayRange({ from: text('from'), to: text('to') }, now);
}

function attachment(ctx: DashboardContext, name: string, format: 'csv' | 'json', body: string): void {
  ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8';
  ctx.set('Content-Disposition', `${format === 'csv' ? 'attachment' : 'inline'}; filename="${name}.${format}"`);
  ctx.body = body;
}

export function exportRoutes(router: Router<DashboardState>, deps: DashboardDependencies): void {
  for (const format of ['csv', 'json'] as const) {
  router.get(`/reports/spend.${format}`, async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const em = deps.orm.em.fork();
    if (!seesCost(viewer.role, await workspaceSettings(em, viewer.workspace))) {
      throw new DashboardHttpError(403, 'cost_hidden', 'This workspace shows spend to its admins only (setting dashboard.viewers-see-cost is off).');
    }
    const range = rangeOf(ctx, deps.clock());
    const rows = await spendRows(em, { workspace: viewer.workspace, range });
    const name = `spend-${viewer.workspace.name}-${day(range.from)}-${day(range.to)}`;
    if (format === 'json') {
      attachment(ctx, name, 'json', JSON.stringify({ workspace: viewer.workspace.name, from: day(range.from), to: day(range.to), rows }));
    } else {
      attachment(ctx, name, 'csv', toCsv(['day', 'instance', 'model', 'runs', 'input_tokens', 'output_tokens', 'cost_usd', 'errors'], rows.map((r) => [r.day, r.instance, r.model, r.runs, r.inputTokens, r.outputTokens, r.costUsd, r.errors])));
    }
  });

  router.get(`/reports/events.${format}`, async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const em = deps.orm.em.fork();
    const now = deps.clock();
    const range = rangeOf(ctx, now);
    const showCost = seesCost(viewer.role, await workspaceSettings(em, viewer.workspace));
    const events = (await eventsView(em, { workspace: viewer.workspace, now, showCost, from: range.from, to: rangeEnd(range), limit: 100_000 })).filter((e) => e.openedAt >= range.from);
    const name = `events-${viewer.workspace.name}-${day(range.from)}-${day(range.to)}`;
    const rows = events.map((e) => ({
      id: e.id,
      instance: e.instance,
      kind: e.kind,
      state: e.state,
      summary: e.summary,
      openedAt: e.openedAt.toISOString(),
      ackedBy: e.ackedBy ?? null,
      resolvedAt: e.resolvedAt?.toISOString() ?? null,
      durationSeconds: Math.round(e.durationMs / 1000),
      details: e.details,
    }));
    if (format === 'json') {
      attachment(ctx, name, 'json', JSON.stringify({ workspace: viewer.workspace.name, from: day(range.from), to: day(range.to), events: rows }));
    } else {
      attachment(ctx, name, 'csv', toCsv(['id', 'instance', 'kind', 'state', 'summary', 'opened_at', 'acked_by', 'resolved_at', 'duration_seconds'], rows.map((r) => [r.id, r.instance, r.kind, r.state, r.summary, r.openedAt, r.ackedBy, r.resolvedAt, r.durationSeconds])));
    }
  });
  }
}
