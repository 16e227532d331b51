/**
 * The headers every dashboard response carries. The CSP allows scripts, styles and connections
 * from our own origin only — no inline script, no inline style, no CDN — so an injected string
 * could not run even if escaping failed. `no-referrer` keeps sign-in and share links out of
 * other sites' logs; `frame-ancestors 'none'` stops clickjacking of the Ack/Mute/Pause buttons.
 */
import type { Middleware } from 'koa';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function securityHeaders(options: { https: boolean }): Middleware {
  return async (ctx, next) => {
    ctx.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.https) ctx.set('Strict-Transport-Security', 'max-age=31536000');
    await next();
    // Pages hold workspace data: never in a shared cache. Assets set their own caching.
    if (!ctx.response.get('Cache-Control')) ctx.set('Cache-Control', 'no-store');
  };
}
