/**
 * Telegram's registration: on when TELEGRAM_BOT_TOKEN is set; the webhook at /telegram/webhook
 * (needs TELEGRAM_WEBHOOK_SECRET) or long polling on the leader worker (telegram-app.ts).
 */
import { replayGuard } from '../../bot/chat/inbound-replay-guard.ts';
import { ConfigError } from '../../bot/config.ts';
import { moveChat } from '../../bot/links/chat-moves.ts';
import { holdLeadership } from '../../bot/scheduler/leadership.ts';
import type { ChatPlatformRegistration } from '../chat-platform.ts';
import { createTelegramIntegration } from './telegram-app.ts';
import { WEBHOOK_PATH } from './webhook.ts';

/** Telegram keeps an undelivered update for 24 hours: a resend within that is recognised. */
const UPDATE_MEMORY_SECONDS = 24 * 3600;

export const telegramPlatform: ChatPlatformRegistration = {
  platform: 'telegram',
  async create({ config, logger, orm, clock, commands, onConnectionChange }) {
    if (!config.telegram) return undefined;
    if (config.telegram.transport === 'webhook' && !config.telegram.webhookSecret) {
      throw new ConfigError([
        'TELEGRAM_WEBHOOK_SECRET: needed for the webhook (TELEGRAM_TRANSPORT=webhook); `npm run deepclaw -- telegram set-webhook` generates one, or set TELEGRAM_TRANSPORT=polling',
      ]);
    }
    const telegram = await createTelegramIntegration({
      config: config.telegram,
      chatAdmins: config.chatAdmins,
      logger: logger.child({ component: 'telegram' }),
      clock,
      commands,
      onChatMoved: async (fromChatId, toChatId) => {
        await moveChat(orm.em.fork(), { platform: 'telegram', fromChatId, toChatId, actor: { id: 'telegram', origin: `telegram:${fromChatId}` }, now: clock() });
      },
      isFirstSighting: replayGuard(orm, 'telegram', UPDATE_MEMORY_SECONDS),
      holdLeadership: (role) => holdLeadership(orm, logger, role),
      onConnectionChange,
    });
    return {
      adapter: telegram.adapter,
      webhooks: telegram.webhook ? [{ path: WEBHOOK_PATH, handler: telegram.webhook }] : [],
      start: () => telegram.start(),
      stop: () => telegram.stop(),
      settled: () => telegram.settled(),
    };
  },
};
