/**
 * POST /telegram/webhook: Telegram's updates into grammY through its Koa adapter. Order, top to
 * bottom: the `X-Telegram-Bot-Api-Secret-Token` header compared in constant time (wrong or missing
 * → 401, before the body is even read), the body read (bounded) and parsed, an update Telegram
 * delivers twice handled once, then grammY. Telegram waits for the answer and resends the update
 * when it does not come in time, so grammY answers after `ANSWER_WITHIN_MS` even if the handler
 * still works (it finishes in the background; `settled()` waits for it).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { webhookCallback, type Bot } from 'grammy';
import type { Middleware } from 'koa';
import type { Logger } from '../../bot/logger.ts';

/** Where Koa mounts the webhook, and what `telegram set-webhook` registers. */
export const WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** An update is a message or a click; Telegram's own limit for a message is 4,096 characters. */
const MAX_BODY_BYTES = 1024 * 1024;
const ANSWER_WITHIN_MS = 8000;

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function isSecretTokenValid(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export interface WebhookOptions {
  secret: string;
  /** False when this update id was handled before (Telegram resends what it thinks was lost). */
  isFirstSighting(updateId: string, now: Date): Promise<boolean>;
  clock: () => Date;
  logger: Logger;
}

export function telegramWebhook(bot: Bot, options: WebhookOptions): Middleware {
  const handle = webhookCallback(bot, 'koa', { secretToken: options.secret, onTimeout: 'return', timeoutMilliseconds: ANSWER_WITHIN_MS });
  return async (ctx) => {
    if (!isSecretTokenValid(ctx.get(SECRET_HEADER) || undefined, options.secret)) {
      options.logger.warn({ ip: ctx.ip }, 'refused a Telegram update: the X-Telegram-Bot-Api-Secret-Token header is missing or wrong (is TELEGRAM_WEBHOOK_SECRET the one set-webhook registered?)');
      ctx.status = 401;
      ctx.body = { error: 'invalid_secret_token', message: 'the X-Telegram-Bot-Api-Secret-Token header is missing or wrong' };
      return;
    }
    if (!ctx.is('application/json')) {
      ctx.status = 415;
      ctx.body = { error: 'unsupported_media_type', message: 'Telegram sends updates as application/json' };
      return;
    }
    const raw = await readBounded(ctx.req, MAX_BODY_BYTES);
    if (raw === undefined) {
      ctx.status = 413;
      ctx.body = { error: 'payload_too_large', message: `a Telegram update is at most ${MAX_BODY_BYTES} bytes` };
      return;
    }
    let update: { update_id?: unknown };
    try {
      update = JSON.parse(raw.toString('utf8')) as { update_id?: unknown };
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'malformed_json', message: 'the update is not valid JSON' };
      return;
    }
    if (typeof update !== 'object' || update === null || typeof update.update_id !== 'number') {
      ctx.status = 400;
      ctx.body = { error: 'invalid_update', message: 'an update needs a numeric update_id' };
      return;
    }
    // Who the bot is, before the update counts as seen: if Telegram cannot say, the request fails
    // (500) and Telegram sends the update again, instead of it being remembered and dropped.
    if (!bot.isInited()) await bot.init();
    if (!(await options.isFirstSighting(String(update.update_id), options.clock()))) {
      ctx.status = 200;
      ctx.body = '';
      return;
    }
    // grammY's Koa adapter reads the parsed update from ctx.request.body.
    (ctx.request as unknown as { body: unknown }).body = update;
    await handle(ctx as unknown as Parameters<typeof handle>[0]);
  };
}

function readBounded(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
