/** The dashboard's GET pages: each reads one core view, scoped by the session's workspace, and renders it. */
import type Router from '@koa/router';
import { listAudit } from '../../bot/audit/audit-log.ts';
import { seesCost } from '../../bot/dashboard/cost-visibility.ts';
import { toDayRange } from '../../bot/dashboard/day-range.ts';
import { eventsView } from '../../bot/dashboard/events-view.ts';
import { arrangeFleet, FLEET_STATES, fleetView, type FleetSort, type FleetState } from '../../bot/dashboard/fleet-view.ts';
import { instanceView } from '../../bot/dashboard/instance-view.ts';
import { listSessions } from '../../bot/dashboard/sessions.ts';
import { workspaceSettings } from '../../bot/dashboard/settings.ts';
import { listShareLinks } from '../../bot/dashboard/share-links.ts';
import { spendAggregate } from '../../bot/dashboard/spend-report.ts';
import { findShareLink } from '../../bot/dashboard/share-links.ts';
import { requireAdmin, requireViewer, type DashboardContext, type DashboardDependencies, type DashboardState } from './dashboard-context.ts';
import { DashboardHttpError } from './dashboard-error.ts';
import type { Html } from './html.ts';
import { auditPage } from './pages/audit-page.ts';
import { eventsPage } from './pages/events-page.ts';
import { fleetPage } from './pages/fleet-page.ts';
import { instancePage } from './pages/instance-page.ts';
import { reportsPage } from './pages/reports-page.ts';
import { sessionsPage } from './pages/sessions-page.ts';
import { sharedPage } from './pages/shared-page.ts';
import { NOTICES } from './notices.ts';

const SORTS: FleetSort[] = ['problems', 'name', 'last-sync', 'spend'];

export function sendHtml(ctx: DashboardContext, body: Html, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = body.text;
}

function query(ctx: DashboardContext, name: string): string | undefined {
  const value = ctx.query[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text ? text : undefined;
}

function notice(ctx: DashboardContext): string | undefined {
  const code = query(ctx, 'notice');
  return code && Object.hasOwn(NOTICES, code) ? NOTICES[code] : undefined;
}

export function pageRoutes(router: Router<DashboardState>, deps: DashboardDependencies): void {
  const showCostFor = async (viewer: Awaited<ReturnType<typeof requireViewer>>) => seesCost(viewer.role, await workspaceSettings(deps.orm.em.fork(), viewer.workspace));

  router.get('/', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const now = deps.clock();
    const showCost = await showCostFor(viewer);
    const view = await fleetView(deps.orm.em.fork(), { workspace: viewer.workspace, now, showCost, baselines: deps.baselines });
    const stateText = query(ctx, 'state');
    const state = FLEET_STATES.includes(stateText as FleetState) ? (stateText as FleetState) : undefined;
    const sortText = query(ctx, 'sort');
    const sort = SORTS.includes(sortText as FleetSort) && (showCost || sortText !== 'spend') ? (sortText as FleetSort) : 'problems';
    const name = query(ctx, 'name')?.slice(0, 63);
    sendHtml(ctx, fleetPage({ view, rows: arrangeFleet(view.rows, { state, name, sort }), viewer, now, filter: { state, name, sort }, notice: notice(ctx) }));
  });

  router.get('/instances/:name', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const now = deps.clock();
    const view = await instanceView(deps.orm.em.fork(), { workspace: viewer.workspace, name: ctx.params.name!, now, showCost: await showCostFor(viewer) });
    sendHtml(ctx, instancePage({ view, viewer, now, notice: notice(ctx) }));
  });

  router.get('/events', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const now = deps.clock();
    const em = deps.orm.em.fork();
    const kind = query(ctx, 'kind')?.slice(0, 32);
    const instance = query(ctx, 'instance')?.slice(0, 63);
    const [events, instances] = await Promise.all([
      eventsView(em, { workspace: viewer.workspace, now, showCost: await showCostFor(viewer), kind, instance }),
      em.execute<{ name: string }[]>('select name from instance where workspace_id = ? order by name', [viewer.workspace.id]),
    ]);
    sendHtml(ctx, eventsPage({ events, instances: instances.map((i) => i.name), viewer, now, filter: { kind, instance }, notice: notice(ctx), back: ctx.originalUrl }));
  });

  router.get('/audit', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'read the audit log');
    const rows = await listAudit(deps.orm.em.fork(), { workspace: viewer.workspace, limit: 200 });
    sendHtml(ctx, auditPage({ rows, viewer, now: deps.clock() }));
  });

  router.get('/sessions', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'see who is signed in');
    const now = deps.clock();
    sendHtml(ctx, sessionsPage({ sessions: await listSessions(deps.orm.em.fork(), viewer.workspace, now), viewer, now, notice: notice(ctx) }));
  });

  router.get('/reports', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const now = deps.clock();
    const range = toDayRange({ from: query(ctx, 'from'), to: query(ctx, 'to') }, now);
    const shares = viewer.role === 'admin' ? await listShareLinks(deps.orm.em.fork(), viewer.workspace, now) : undefined;
    sendHtml(ctx, reportsPage({ viewer, now, range, showCost: await showCostFor(viewer), shares, notice: notice(ctx) }));
  });

  router.get('/live', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    // Proxies like nginx buffer responses unless told not to (X-Accel-Buffering, set by open()).
    ctx.req.socket.setTimeout(0);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 200;
    ctx.respond = false;
    deps.live.open(viewer.workspace.id, ctx.res);
  });

  router.get('/shared/:secret', async (ctx) => {
    const now = deps.clock();
    const em = deps.orm.em.fork();
    const share = await findShareLink(em, ctx.params.secret!, now);
    if (!share) throw new DashboardHttpError(404, 'unknown_share_link', 'This share link is unknown, expired or revoked. Ask whoever sent it for a new one.');
    const report = await spendAggregate(em, { workspace: share.workspace, range: share.range, includes: share.includes });
    sendHtml(ctx, sharedPage({ share, report, now }));
  });
}
