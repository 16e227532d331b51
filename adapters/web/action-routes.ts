/**
 * The dashboard's POST actions. Each passes the Origin check and the session's CSRF token before
 * anything else, then runs the same core code as chat (Ack and Mute through the command core,
 * Pause through the instances service), audited with the person's identity and origin `web`.
 * Afterwards the browser is sent back (303) to the page it came from, with a notice code.
 */
import type Router from '@koa/router';
import type { Actor } from '../../bot/actor.ts';
import { alertAction, muteCommand, unmuteCommand } from '../../bot/commands/alert-commands.ts';
import type { HandlerContext } from '../../bot/commands/command-core.ts';
import { toDayRange } from '../../bot/dashboard/day-range.ts';
import type { DashboardViewer } from '../../bot/dashboard/roles.ts';
import { endSession, revokeSessions } from '../../bot/dashboard/sessions.ts';
import { createShareLink, listShareLinks, revokeShareLink, toShareIncludes } from '../../bot/dashboard/share-links.ts';
import { redeemSignInLink } from '../../bot/dashboard/sign-in-links.ts';
import { setInstancePaused } from '../../bot/instances/instances.ts';
import { clearSessionCookie, setSessionCookie } from './cookies.ts';
import { checkCsrfToken, checkOrigin, safeBack } from './csrf.ts';
import { isHttps, requireAdmin, requireViewer, type DashboardContext, type DashboardDependencies, type DashboardState } from './dashboard-context.ts';
import { DashboardHttpError } from './dashboard-error.ts';
import { readForm } from './form-body.ts';
import { sendHtml } from './page-routes.ts';
import { reportsPage } from './pages/reports-page.ts';

export const WEB_ORIGIN = 'web';

function actorOf(viewer: DashboardViewer): Actor {
  return { id: viewer.person, origin: WEB_ORIGIN };
}

function handlerContext(deps: DashboardDependencies, viewer: DashboardViewer): HandlerContext {
  return {
    em: deps.orm.em.fork(),
    workspace: viewer.workspace,
    actor: actorOf(viewer),
    requester: { platform: 'web', userId: viewer.person, displayName: viewer.personName, isPlatformAdmin: viewer.role === 'admin' },
    place: { chatId: 'web', channelId: 'dashboard' },
    now: deps.clock(),
    deps: deps.commands,
  };
}

function redirect(ctx: DashboardContext, to: string, notice?: string): void {
  ctx.status = 303;
  ctx.redirect(notice ? `${to}${to.includes('?') ? '&' : '?'}notice=${notice}` : to);
}

const MUTES: Record<string, number | null> = { '1h': 3600, '24h': 86_400, off: null };

export function actionRoutes(router: Router<DashboardState>, deps: DashboardDependencies): void {
  const publicOrigin = new URL(deps.publicUrl).origin;
  /** A signed-in viewer's checked form: Origin first (cheap, no session needed), then the token. */
  const checkedForm = async (ctx: DashboardContext, viewer: DashboardViewer) => {
    checkOrigin(ctx, publicOrigin);
    const form = await readForm(ctx);
    checkCsrfToken(form, viewer.csrfToken);
    return form;
  };

  // The link's GET only shows a button: chat link previews and mail scanners fetch URLs, and must
  // not use up a single-use link. The POST (from that page, same origin) signs in.
  router.post('/sign-in/:secret', async (ctx) => {
    checkOrigin(ctx, publicOrigin);
    const started = await redeemSignInLink(deps.orm.em.fork(), { secret: ctx.params.secret!, now: deps.clock(), origin: WEB_ORIGIN });
    setSessionCookie(ctx, { https: isHttps(deps), value: started.cookie, expiresAt: started.expiresAt });
    redirect(ctx, '/');
  });

  router.post('/sign-out', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    await checkedForm(ctx, viewer);
    await endSession(deps.orm.em.fork(), viewer, deps.clock(), WEB_ORIGIN);
    clearSessionCookie(ctx, isHttps(deps));
    redirect(ctx, '/signed-out');
  });

  router.post('/events/:id/ack', async (ctx) => {
    const viewer = await requireViewer(ctx, deps);
    const form = await checkedForm(ctx, viewer);
    const replies = await alertAction(handlerContext(deps, viewer), 'ack', ctx.params.id!);
    deps.live.eventsChanged();
    redirect(ctx, safeBack(form.get('back'), '/events'), replies.some((r) => r.audience === 'channel') ? 'acked' : 'nothing-to-ack');
  });

  router.post('/instances/:name/mute', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'mute alerts');
    const form = await checkedForm(ctx, viewer);
    const duration = form.get('duration') ?? '';
    if (!Object.hasOwn(MUTES, duration)) throw new DashboardHttpError(400, 'bad_duration', 'A mute from the dashboard lasts 1h or 24h (or is off).');
    const seconds = MUTES[duration]!;
    const context = handlerContext(deps, viewer);
    if (seconds === null) await unmuteCommand(context, ctx.params.name!);
    else await muteCommand(context, ctx.params.name!, seconds);
    deps.live.eventsChanged();
    redirect(ctx, safeBack(form.get('back'), '/'), seconds === null ? 'unmuted' : 'muted');
  });

  router.post('/instances/:name/pause', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'pause instances');
    const form = await checkedForm(ctx, viewer);
    const paused = form.get('paused') === 'yes';
    await setInstancePaused(deps.orm.em.fork(), { workspace: viewer.workspace, name: ctx.params.name!, paused, actor: actorOf(viewer), now: deps.clock() });
    deps.live.eventsChanged();
    redirect(ctx, safeBack(form.get('back'), '/'), paused ? 'paused' : 'resumed');
  });

  router.post('/share-links', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'share reports');
    const form = await checkedForm(ctx, viewer);
    const now = deps.clock();
    const em = deps.orm.em.fork();
    const range = toDayRange({ from: form.get('from') ?? undefined, to: form.get('to') ?? undefined }, now);
    const days = Number(form.get('days') ?? '7');
    const created = await createShareLink(em, { workspace: viewer.workspace, range, includes: toShareIncludes(form.getAll('include')), expiresInDays: days, actor: actorOf(viewer), now });
    // Answered with the page itself, not a redirect: the secret must not land in a URL or history.
    sendHtml(ctx, reportsPage({ viewer, now, range, showCost: true, shares: await listShareLinks(em, viewer.workspace, now), created: { url: `${deps.publicUrl}${created.path}`, expiresAt: created.expiresAt } }));
  });

  router.post('/share-links/:id/revoke', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'revoke share links');
    await checkedForm(ctx, viewer);
    await revokeShareLink(deps.orm.em.fork(), { workspace: viewer.workspace, id: ctx.params.id!, actor: actorOf(viewer), now: deps.clock() });
    redirect(ctx, '/reports', 'share-revoked');
  });

  router.post('/sessions/:id/revoke', async (ctx) => {
    const viewer = await requireAdmin(ctx, deps, 'end sessions');
    await checkedForm(ctx, viewer);
    const id = ctx.params.id!;
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DashboardHttpError(404, 'unknown_session', 'That is not a session of this workspace.');
    await revokeSessions(deps.orm.em.fork(), { workspace: viewer.workspace, idPrefix: id, actor: actorOf(viewer), now: deps.clock() });
    redirect(ctx, '/sessions', 'session-ended');
  });
}
