/**
 * The two checks every state-changing dashboard POST passes before anything else: the `Origin`
 * header names this service (a page on another site cannot send it), and the form carries the
 * session's token (a cross-site form cannot know it). Either alone would do in most browsers;
 * both together hold in old ones and behind odd proxies too.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { DashboardHttpError } from './dashboard-error.ts';

/**
 * The origins a form may come from: the public URL's, and the one the request was addressed to.
 * Under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` even for our own forms; then
 * the browser's `Sec-Fetch-Site: same-origin` (a header no page script can set) vouches instead.
 */
export function checkOrigin(ctx: Context, publicOrigin: string): void {
  const origin = ctx.get('Origin');
  const own = `${ctx.protocol}://${ctx.host}`;
  const sameOrigin = origin === publicOrigin || origin === own || (origin === 'null' && ctx.get('Sec-Fetch-Site') === 'same-origin');
  if (!sameOrigin) {
    throw new DashboardHttpError(403, 'bad_origin', 'This form was not sent from the DeepClaw dashboard (its Origin header does not match), so nothing was changed.');
  }
}

export function checkCsrfToken(form: URLSearchParams, expected: string): void {
  const given = Buffer.from(form.get('_csrf') ?? '');
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new DashboardHttpError(403, 'bad_csrf_token', 'This form is out of date or was not sent from the dashboard, so nothing was changed. Reload the page and try again.');
  }
}

/** Where to go after a form: a path of this site only (never `//elsewhere` or a full URL). */
export function safeBack(value: string | null, fallback: string): string {
  return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : fallback;
}
