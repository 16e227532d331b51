import type Router from '@koa/router';
import { checkReadiness } from '../../bot/storage/readiness.ts';
import type { AppDependencies, AppState } from '../app.ts';

/**
 * `/healthz`: the process is up. `/readyz`: it can serve (database reachable, schema current,
 * and in a worker its scheduler ticking).
 */
export function healthRoutes(router: Router<AppState>, { orm, logger, tickReadiness }: Pick<AppDependencies, 'orm' | 'logger' | 'tickReadiness'>): void {
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    const readiness = await checkReadiness(orm);
    ctx.status = readiness.ready ? 200 : 503;
    if (!readiness.ready) ctx.set('Retry-After', '5');
    if (readiness.database === 'unreachable') {
      // The error text can name hosts: it goes to the log, not to an anonymous caller.
      logger.warn({ requestId: ctx.state.requestId, error: readiness.error }, 'not ready: database unreachable');
      ctx.body = { ready: false, database: 'unreachable' };
      return;
    }
    const ticks = tickReadiness?.();
    if (readiness.ready && ticks && !ticks.ready) {
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { ...readiness, ready: false, scheduler: 'stalled', reason: ticks.reason };
      return;
    }
    ctx.body = ticks ? { ...readiness, scheduler: 'ticking' } : readiness;
  });
}
