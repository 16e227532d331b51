/**
 * The worker's own small HTTP surface (on DEEPCLAW_WORKER_PORT): `/healthz`, `/readyz` (database
 * and scheduler ticks) and `/metrics`, so a worker — which takes no traffic — can be probed and
 * scraped like a web process. No ingest, no webhooks.
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { AppDependencies, AppState } from './app.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { serveRoutes } from './serve-routes.ts';

export function createWorkerApp(deps: Pick<AppDependencies, 'orm' | 'logger' | 'metrics' | 'tickReadiness'>): Koa<AppState> {
  const app = new Koa<AppState>();
  const router = new Router<AppState>();
  healthRoutes(router, deps);
  metricsRoutes(router, deps);
  return serveRoutes(app, router, deps);
}
