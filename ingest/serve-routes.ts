/**
 * The middleware every DeepClaw HTTP surface wraps its routes in, in this order: a request id,
 * the request log and metrics, the error boundary, the routes, 405s, and a JSON 404.
 */
import type Router from '@koa/router';
import Koa from 'koa';
import type { AppDependencies, AppState } from './app.ts';
import { errorBoundary } from './middleware/error-boundary.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';

export function serveRoutes(app: Koa<AppState>, router: Router<AppState>, deps: Pick<AppDependencies, 'logger' | 'metrics'>): Koa<AppState> {
  app.use(requestId());
  app.use(requestLog(deps));
  app.use(errorBoundary(deps));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` };
  });
  return app;
}
