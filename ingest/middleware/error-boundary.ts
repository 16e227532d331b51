import type { Middleware } from 'koa';
import type { AppDependencies, AppState } from '../app.ts';
import { IngestError } from '../ingest-error.ts';

/**
 * The last line of defence: an unexpected error is logged with the request id and answered with a
 * 500 that shows nothing internal but that id. Errors a handler means to show carry `expose`.
 */
export function errorBoundary({ logger }: Pick<AppDependencies, 'logger'>): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof IngestError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = { error: error.code, message: error.message, ...error.extra };
        return;
      }
      const status = (error as { status?: number }).status ?? 500;
      if ((error as { expose?: boolean }).expose && status < 500) {
        // Koa's own client errors (e.g. a malformed request line reaching a router).
        ctx.status = status;
        ctx.body = { error: 'bad_request', message: (error as Error).message };
        return;
      }
      logger.error({ err: error, requestId: ctx.state.requestId }, 'unexpected error');
      ctx.status = 500;
      ctx.body = {
        error: 'internal_error',
        message: 'something went wrong on our side; quote this request id when reporting it',
        requestId: ctx.state.requestId,
      };
    }
  };
}
