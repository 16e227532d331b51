import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { AppState } from '../app.ts';

const INCOMING_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Every request gets an id, echoed as `X-Request-Id`, so a user's report finds its log line. */
export function requestId(): Middleware<AppState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    ctx.state.requestId = INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    await next();
  };
}
