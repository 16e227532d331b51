/**
 * The Telegram integration, assembled: a grammY bot whose `/deepclaw` command, alert buttons and
 * chat-move service messages feed the platform-neutral core, over the webhook (mounted in Koa at
 * /telegram/webhook) or long polling on the leader worker, plus the outbound ChatAdapter the
 * outbox delivers through. Every Bot API call goes through one client that never retries (the
 * outbox does) and whose errors never carry the token.
 */
import { Bot, type Api } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Middleware } from 'koa';
import type { ChatAdapter } from '../../bot/chat/chat-adapter.ts';
import type { AlertActionRequest, CommandRequest } from '../../bot/commands/command-request.ts';
import type { TelegramConfig } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import type { Reply } from '../../bot/messages/message.ts';
import type { Leadership, LeadershipRole } from '../../bot/scheduler/leadership.ts';
import { telegramAdapter } from './adapter.ts';
import { answerButton } from './buttons.ts';
import { chatAdmins } from './chat-admins.ts';
import { answerCommand, answerStart } from './commands.ts';
import { pollingRole } from './polling.ts';
import { redactError, redactingTransformer } from './redact-token.ts';
import { telegramWebhook } from './webhook.ts';

export interface TelegramDependencies {
  config: TelegramConfig;
  /** DEEPCLAW_ADMINS. */
  chatAdmins: ReadonlySet<string>;
  logger: Logger;
  clock: () => Date;
  commands: {
    run(request: CommandRequest): Promise<Reply[]>;
    runAction(request: AlertActionRequest): Promise<Reply[]>;
  };
  /** Records that a chat has a new id (a group upgraded to a supergroup). */
  onChatMoved(fromChatId: string, toChatId: string): Promise<void>;
  /** False when Telegram delivered this update id before (webhook). */
  isFirstSighting(updateId: string, now: Date): Promise<boolean>;
  /** Competes for a leader-only role (polling); bot/scheduler/leadership.ts on a real worker. */
  holdLeadership(role: LeadershipRole): Promise<Leadership>;
  onConnectionChange?(up: boolean): void;
  /** Who the bot is, when known (tests): saves the getMe call at start-up. */
  botInfo?: UserFromGetMe;
  /** Seconds one getUpdates call waits (default 30; tests shorten it). */
  pollTimeoutSeconds?: number;
}

export interface TelegramIntegration {
  adapter: ChatAdapter;
  api: Api;
  /** POST /telegram/webhook; undefined when polling. */
  webhook?: Middleware;
  start(): Promise<void>;
  stop(): Promise<void>;
  settled(): Promise<void>;
}

export async function createTelegramIntegration(deps: TelegramDependencies): Promise<TelegramIntegration> {
  const { config, logger } = deps;
  const token = config.botToken;
  const bot = new Bot(token, { client: { apiRoot: config.apiRoot, timeoutSeconds: 20 }, ...(deps.botInfo ? { botInfo: deps.botInfo } : {}) });
  bot.api.config.use(redactingTransformer(token));
  const api = bot.api;
  if (!deps.botInfo) {
    // Who the bot is (its @username makes /deepclaw@<bot> and the t.me links), asked once here. A
    // bad token is reported at start-up; Telegram being unreachable is not fatal (grammY asks again).
    await bot.init().catch((error: unknown) => logger.error({ err: redactError(error, token) }, 'Telegram getMe failed: check TELEGRAM_BOT_TOKEN (Telegram will be asked again on the first update)'));
  }
  const botUsername = () => (bot.isInited() ? bot.botInfo.username : 'your_bot');
  const admins = chatAdmins(api, deps.clock, (error) => logger.warn({ err: redactError(error, token) }, 'Telegram getChatMember failed; treating the user as not an admin'));
  const inFlight = new Set<Promise<unknown>>();
  const track = async (work: Promise<unknown>) => {
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  };
  const moved = async (from: number, to: number) => {
    await deps.onChatMoved(String(from), String(to));
    logger.info({ from, to }, 'a Telegram group became a supergroup; its link and subscriptions moved to the new chat id');
  };

  // Channel posts carry commands too, but a channel has no members to answer: only messages count.
  bot.command('deepclaw', (ctx) =>
    ctx.message ? track(answerCommand({ api, logger, token, admins, chatAdmins: deps.chatAdmins, botUsername, run: deps.commands.run }, ctx.message, ctx.match)) : undefined,
  );
  bot.chatType('private').command('start', (ctx) => track(answerStart({ api, logger, token }, ctx.chat, ctx.match)));
  bot.on('callback_query', (ctx) => track(answerButton({ api, logger, token, admins, runAction: deps.commands.runAction }, ctx.callbackQuery)));
  bot.on('message:migrate_to_chat_id', (ctx) => track(moved(ctx.chat.id, ctx.message.migrate_to_chat_id)));
  bot.on('message:migrate_from_chat_id', (ctx) => track(moved(ctx.message.migrate_from_chat_id, ctx.chat.id)));
  bot.catch((error) => logger.error({ err: redactError(error.error, token) }, 'a Telegram update failed'));

  const adapter = telegramAdapter(api, { onChatMoved: moved });
  const polling = config.transport === 'polling';
  const webhook =
    !polling && config.webhookSecret ? telegramWebhook(bot, { secret: config.webhookSecret, isFirstSighting: deps.isFirstSighting, clock: deps.clock, logger }) : undefined;
  let leadership: Leadership | undefined;
  return {
    adapter,
    api,
    webhook,
    async start() {
      if (!polling || leadership) return;
      leadership = await deps.holdLeadership(pollingRole(bot, { logger, token, timeoutSeconds: deps.pollTimeoutSeconds, onConnectionChange: deps.onConnectionChange }));
    },
    async stop() {
      await leadership?.stop();
      leadership = undefined;
      await Promise.allSettled([...inFlight]);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
