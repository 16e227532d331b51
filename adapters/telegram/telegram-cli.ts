/**
 * `deepclaw telegram set-webhook [<public-url>]` and `deepclaw telegram webhook-info`: the admin
 * CLI's Telegram commands, listed in bot/cli/commands.ts. set-webhook tells Telegram where to push
 * updates (with the secret it must send back, and only the update types DeepClaw handles) and sets
 * the bot's command list for private chats and groups, so BotFather's /setcommands is not needed.
 */
import { randomBytes } from 'node:crypto';
import { Api, GrammyError } from 'grammy';
import type { Config } from '../../bot/config.ts';
import { utcMinute } from '../../bot/human-format.ts';
import { ALLOWED_UPDATES } from './polling.ts';
import { redactError, redactingTransformer } from './redact-token.ts';
import { WEBHOOK_PATH } from './webhook.ts';

/** What these commands need of the CLI's context (bot/cli/commands.ts passes all of it). */
export interface TelegramCliContext {
  config: Config;
  options: { json: boolean };
  io: { stdout: { write(text: string): void }; stderr: { write(text: string): void }; env: NodeJS.ProcessEnv };
}

/** The CLI's exit codes (bot/cli/run-cli.ts): done, failed, wrong usage or configuration. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const BOT_COMMANDS = [{ command: 'deepclaw', description: 'DeepClaw: status, alerts and sync tokens of your OpenClaw gateways (/deepclaw help)' }];

export const TELEGRAM_COMMANDS = {
  'telegram set-webhook': { arguments: ['public-url?'], options: [] as never[], run: setWebhook },
  'telegram webhook-info': { arguments: [], options: [] as never[], run: webhookInfo },
};

function telegramApi(context: TelegramCliContext): { api: Api; token: string } | undefined {
  const telegram = context.config.telegram;
  if (!telegram) {
    context.io.stderr.write('deepclaw: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token (docs/telegram.md)\n');
    return undefined;
  }
  const api = new Api(telegram.botToken, { apiRoot: telegram.apiRoot, timeoutSeconds: 20 });
  api.config.use(redactingTransformer(telegram.botToken));
  return { api, token: telegram.botToken };
}

async function setWebhook(context: TelegramCliContext, [given]: string[]): Promise<number> {
  const { io, config, options } = context;
  const client = telegramApi(context);
  if (!client) return EXIT.usage;
  const base = given ?? (io.env.DEEPCLAW_PUBLIC_URL ? config.publicUrl : undefined);
  if (!base) {
    io.stderr.write('deepclaw: "telegram set-webhook" needs the public URL Telegram reaches this service at: pass it, or set DEEPCLAW_PUBLIC_URL\n');
    return EXIT.usage;
  }
  let url: URL;
  try {
    url = new URL(`${base.replace(/\/+$/, '')}${WEBHOOK_PATH}`);
  } catch {
    io.stderr.write(`deepclaw: "${base.slice(0, 80)}" is not a URL; expected one like https://deepclaw.example.com\n`);
    return EXIT.usage;
  }
  if (url.protocol !== 'https:') {
    io.stderr.write(`deepclaw: Telegram delivers webhooks only to https:// URLs (got ${url.origin}); without a public https URL, set TELEGRAM_TRANSPORT=polling instead\n`);
    return EXIT.usage;
  }
  const generated = config.telegram!.webhookSecret ? undefined : randomBytes(32).toString('base64url');
  const secret = config.telegram!.webhookSecret ?? generated!;
  try {
    await client.api.setWebhook(url.toString(), { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false });
    for (const scope of [{ type: 'all_private_chats' as const }, { type: 'all_group_chats' as const }]) await client.api.setMyCommands(BOT_COMMANDS, { scope });
  } catch (error) {
    return reportApiError(context, error, client.token);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ url: url.toString(), allowedUpdates: ALLOWED_UPDATES, commands: BOT_COMMANDS.map((c) => c.command), ...(generated ? { generatedSecret: generated } : {}) })}\n`);
    return EXIT.ok;
  }
  io.stdout.write(`Telegram now sends ${ALLOWED_UPDATES.join(' and ')} updates to ${url}.\nThe command list (/deepclaw) is set for private chats and groups.\n`);
  if (generated) {
    io.stdout.write(
      `\nTELEGRAM_WEBHOOK_SECRET was not set, so one was generated. It is shown this once: set it where the service runs, then restart it.\n  TELEGRAM_WEBHOOK_SECRET=${generated}\nUntil then the service refuses Telegram's updates (401).\n`,
    );
  }
  return EXIT.ok;
}

async function webhookInfo(context: TelegramCliContext): Promise<number> {
  const { io, options, config } = context;
  const client = telegramApi(context);
  if (!client) return EXIT.usage;
  let info: Awaited<ReturnType<Api['getWebhookInfo']>>;
  try {
    info = await client.api.getWebhookInfo();
  } catch (error) {
    return reportApiError(context, error, client.token);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(info)}\n`);
    return EXIT.ok;
  }
  const lines = [
    `URL:              ${info.url || 'none: Telegram pushes nothing (long polling, or set-webhook not run yet)'}`,
    `Pending updates:  ${info.pending_update_count}`,
    `Last error:       ${info.last_error_date ? `${utcMinute(new Date(info.last_error_date * 1000))}: ${info.last_error_message ?? ''}` : 'none'}`,
    `Allowed updates:  ${info.allowed_updates?.join(', ') || 'Telegram’s default'}`,
    `This service:     TELEGRAM_TRANSPORT=${config.telegram!.transport}`,
  ];
  if (config.telegram!.transport === 'polling' && info.url) lines.push('Note: polling deletes this webhook when the leader worker starts polling.');
  io.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

function reportApiError(context: TelegramCliContext, error: unknown, token: string): number {
  const safe = redactError(error, token) as Error;
  if (safe instanceof GrammyError) {
    const hint = safe.error_code === 401 || safe.error_code === 404 ? ' (check TELEGRAM_BOT_TOKEN)' : '';
    context.io.stderr.write(`deepclaw: Telegram refused ${safe.method}: ${safe.description}${hint}\n`);
  } else {
    context.io.stderr.write(`deepclaw: Telegram could not be reached at ${context.config.telegram!.apiRoot} (check TELEGRAM_API_ROOT and the network)\n`);
  }
  return EXIT.failed;
}
