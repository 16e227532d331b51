import type Router from '@koa/router';
import type { AppDependencies, AppState } from '../app.ts';

/** Prometheus text exposition: this process's registry, or every process's (see cluster-metrics.ts). */
export function metricsRoutes(router: Router<AppState>, { metrics, metricsText }: Pick<AppDependencies, 'metrics' | 'metricsText'>): void {
  router.get('/metrics', async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await (metricsText ?? (() => metrics.registry.metrics()))();
  });
}
