/**
 * The dashboard, mounted into the Koa app: security headers on every response, errors rendered
 * as pages (or JSON for exports), then the pages, exports, actions, sign-in and assets.
 */
import Router from '@koa/router';
import { ConflictError, DeepClawError, InvalidInputError, NotFoundError } from '../../bot/errors.ts';
import { actionRoutes } from './action-routes.ts';
import { assetRoutes } from './asset-routes.ts';
import { currentViewer, isHttps, type DashboardContext, type DashboardDependencies, type DashboardState } from './dashboard-context.ts';
import { DashboardHttpError } from './dashboard-error.ts';
import { exportRoutes } from './export-routes.ts';
import { html } from './html.ts';
import { messagePage, page } from './layout.ts';
import { pageRoutes, sendHtml } from './page-routes.ts';
import { securityHeaders } from './security-headers.ts';

export type { DashboardDependencies } from './dashboard-context.ts';

export function dashboardRouter(deps: DashboardDependencies): Router<DashboardState> {
  const router = new Router<DashboardState>();
  router.use(securityHeaders({ https: isHttps(deps) }));
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      await answerError(ctx, deps, error);
    }
  });
  assetRoutes(router as unknown as Router);

  router.get('/sign-in/:secret', async (ctx) => {
    const now = deps.clock();
    sendHtml(
      ctx,
      page(
        { title: 'Sign in', now },
        html`<section class="message"><h1>Sign in to DeepClaw</h1>
<p>This link signs you in once, in this browser. It expires ten minutes after it was made.</p>
<form method="post" action="/sign-in/${ctx.params.secret!}"><button type="submit" class="primary">Sign in</button></form></section>`,
      ),
    );
  });

  router.get('/signed-out', (ctx) => {
    sendHtml(ctx, messagePage({ title: 'Signed out', now: deps.clock() }, 'You are signed out of the DeepClaw dashboard.', 'To sign in again, type /deepclaw dashboard in a chat linked to DeepClaw.'));
  });

  pageRoutes(router, deps);
  exportRoutes(router, deps);
  actionRoutes(router, deps);
  return router;
}

const STATUS_TITLES: Record<number, string> = { 400: 'That did not work', 401: 'Please sign in', 403: 'Not allowed', 404: 'Not found', 409: 'That did not work', 413: 'Too large', 415: 'That did not work' };

async function answerError(ctx: DashboardContext, deps: DashboardDependencies, error: unknown): Promise<void> {
  let status: number;
  let code: string;
  if (error instanceof DashboardHttpError) {
    ({ status, code } = error);
  } else if (error instanceof NotFoundError) {
    // Another workspace's instance is "not found" too, never "forbidden": a session learns nothing about other workspaces.
    status = 404;
    code = error.code;
  } else if (error instanceof InvalidInputError) {
    status = 400;
    code = error.code;
  } else if (error instanceof ConflictError || error instanceof DeepClawError) {
    status = 409;
    code = (error as DeepClawError).code;
  } else {
    deps.logger.error({ err: error, requestId: ctx.state.requestId }, 'dashboard request failed');
    status = 500;
    code = 'internal_error';
  }
  const message = status === 500 ? `Something went wrong on our side; quote request id ${ctx.state.requestId} when reporting it.` : capitalize((error as Error).message);
  if (ctx.path.startsWith('/reports/') && /\.(csv|json)$/.test(ctx.path)) {
    ctx.status = status;
    ctx.body = { error: code, message };
    return;
  }
  const viewer = status === 401 ? undefined : await currentViewer(ctx, deps).catch(() => undefined);
  sendHtml(ctx, messagePage({ title: STATUS_TITLES[status] ?? 'Something went wrong', now: deps.clock(), viewer }, message, ...(viewer ? [html`<a href="/">Back to the fleet</a>`] : [])), status);
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
