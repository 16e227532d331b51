import type Router from '@koa/router';
import type { AppDependencies, AppState } from '../app.ts';

/** Prometheus text exposition. */
export function metricsRoutes(router: Router<AppState>, { metrics }: Pick<AppDependencies, 'metrics'>): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
}
