/**
 * Discord's registration: on when DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID are set. Inbound
 * interactions arrive at POST /discord/interactions (DISCORD_TRANSPORT=http, every web process)
 * or through the gateway (DISCORD_TRANSPORT=gateway, the leader worker only); both feed one
 * handler. Outbound, the outbox posts through the REST adapter.
 */
import { Routes, type APIUser } from 'discord-api-types/v10';
import { replayGuard } from '../../bot/chat/inbound-replay-guard.ts';
import { instanceSuggestions } from '../../bot/commands/instance-suggestions.ts';
import type { ChatPlatformRegistration } from '../chat-platform.ts';
import { discordAdapter } from './adapter.ts';
import { discordRest } from './discord-rest.ts';
import { discordGateway } from './gateway.ts';
import { interactionHandler } from './interaction-handler.ts';
import { interactionsEndpoint } from './interactions-endpoint.ts';
import { SIGNATURE_WINDOW_SECONDS, toPublicKey } from './verify-signature.ts';

export const discordPlatform: ChatPlatformRegistration = {
  platform: 'discord',
  async create({ config, logger, orm, clock, commands, onConnectionChange }) {
    const discord = config.discord;
    if (!discord) return undefined;
    const rest = discordRest({ apiUrl: discord.apiUrl, botToken: discord.botToken });
    // A wrong token is reported at start-up, not at the first alert; not awaited, so Discord being
    // unreachable never holds up the service starting.
    void rest.get(Routes.user('@me')).then(
      (user) => logger.info({ botUserId: (user as APIUser).id }, 'Discord accepted the bot token'),
      (error: unknown) => logger.error({ err: error }, 'Discord GET /users/@me failed: check DISCORD_BOT_TOKEN (alerts cannot be posted until it works)'),
    );
    const handler = interactionHandler({
      applicationId: discord.applicationId,
      rest,
      logger: logger.child({ component: 'discord' }),
      clock,
      commands,
      instanceNames: (chatId, typed) => instanceSuggestions(orm, { platform: 'discord', chatId, typed, limit: 25 }),
    });
    const endpoint =
      discord.transport === 'http'
        ? interactionsEndpoint({ publicKey: toPublicKey(discord.publicKey!), handler, logger, clock, isFirstSighting: replayGuard(orm, 'discord', SIGNATURE_WINDOW_SECONDS) })
        : undefined;
    const gateway = discord.transport === 'gateway' ? discordGateway({ config: discord, logger, orm, rest, handler, onConnectionChange }) : undefined;
    return {
      adapter: discordAdapter(rest, clock),
      webhooks: endpoint ? [{ path: '/discord/interactions', handler: endpoint.middleware }] : [],
      start: async () => gateway?.start(),
      stop: async () => gateway?.stop(),
      settled: async () => {
        await Promise.all([endpoint?.settled(), gateway?.settled()]);
      },
    };
  },
};
