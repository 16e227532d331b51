import type { Middleware } from 'koa';
import type { AppState } from '../app.ts';
import type { AppDependencies } from '../app.ts';

/**
 * One log line and one histogram observation per request. The route label is the matched
 * pattern (`/v1/snapshots`), never the raw path, so metrics cannot explode in cardinality.
 */
export function requestLog({ logger, metrics }: Pick<AppDependencies, 'logger' | 'metrics'>): Middleware<AppState> {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.requestDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      logger.info(
        { requestId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, ms: Math.round(seconds * 1000) },
        'request',
      );
    }
  };
}
