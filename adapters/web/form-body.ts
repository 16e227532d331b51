/** The urlencoded body of a dashboard form: small (8 KiB at most), read once, repeated keys kept. */
import type { Context } from 'koa';
import { DashboardHttpError } from './dashboard-error.ts';

const MAX_BYTES = 8 * 1024;

export async function readForm(ctx: Context): Promise<URLSearchParams> {
  const type = ctx.get('Content-Type').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new DashboardHttpError(415, 'unsupported_form', 'Forms are sent as application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) throw new DashboardHttpError(413, 'form_too_large', 'That form is larger than any dashboard form.');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
