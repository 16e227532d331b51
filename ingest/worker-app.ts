/**
 * The worker's own small HTTP surface (on DEEPCLAW_WORKER_PORT): `/healthz`, `/readyz` (database
 * and scheduler ticks) and `/metrics`, so a worker — which takes no traffic — can be probed and
 * scraped like a web process. No ingest, no webhooks.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { AppDependencies, AppState } from './app.ts';
import { errorBoundary } from './middleware/error-boundary.ts';
import { requestId } from './middleware/request-id.ts';
import { requestLog } from './middleware/request-log.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';

export function createWorkerApp(deps: Pick<AppDependencies, 'orm' | 'logger' | 'metrics' | 'tickReadiness'>): Koa<AppState> {
  const app = new Koa<AppState>();
  const router = new Router<AppState>();
  healthRoutes(router, deps);
  metricsRoutes(router, deps);
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
