/**
 * The session cookie: `HttpOnly` (no script reads it), `SameSite=Lax` (not sent on cross-site
 * POSTs), `Secure` when the public URL is https, and `__Host-` prefixed then, so no subdomain can
 * set or shadow it.
 */
import type { Context } from 'koa';

export function sessionCookieName(https: boolean): string {
  return https ? '__Host-deepclaw_session' : 'deepclaw_session';
}

export function setSessionCookie(ctx: Context, input: { https: boolean; value: string; expiresAt: Date }): void {
  const parts = [
    `${sessionCookieName(input.https)}=${input.value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${input.expiresAt.toUTCString()}`,
    ...(input.https ? ['Secure'] : []),
  ];
  ctx.append('Set-Cookie', parts.join('; '));
}

export function clearSessionCookie(ctx: Context, https: boolean): void {
  ctx.append('Set-Cookie', `${sessionCookieName(https)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${https ? '; Secure' : ''}`);
}

export function readSessionCookie(ctx: Context, https: boolean): string | undefined {
  const name = sessionCookieName(https);
  for (const part of (ctx.get('Cookie') || '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
