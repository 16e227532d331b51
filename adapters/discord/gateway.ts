/**
 * The gateway transport (DISCORD_TRANSPORT=gateway), for deployments without a public URL: a
 * discord.js Client connects out to Discord with the Guilds intent only (slash commands and
 * buttons arrive as interactions and need no privileged intent), and every INTERACTION_CREATE is
 * fed, as the raw API object Discord sent, to the same handler the HTTP endpoint uses. Its
 * initial response goes back as the interaction callback over REST.
 *
 * One connection per bot: two workers connected would both receive and answer every interaction,
 * so only the leader worker connects (bot/scheduler/leadership.ts); a follower takes over when the
 * leader stops. Reconnects and resumes are discord.js's; state changes are logged and reported.
 */
import type { REST } from '@discordjs/rest';
import { Client, Events, GatewayDispatchEvents, GatewayIntentBits } from 'discord.js';
import { Routes, type APIInteraction } from 'discord-api-types/v10';
import type { DiscordConfig } from '../../bot/config.ts';
import type { Logger } from '../../bot/logger.ts';
import { holdLeadership, type Leadership } from '../../bot/scheduler/leadership.ts';
import type { Orm } from '../../bot/storage/orm.ts';
import type { InteractionHandler } from './interaction-handler.ts';

export const GATEWAY_ROLE = 'discord-gateway';

export interface DiscordGatewayDependencies {
  config: DiscordConfig;
  logger: Logger;
  orm: Orm;
  rest: REST;
  handler: InteractionHandler;
  onConnectionChange?(up: boolean): void;
  /** How often a follower tries for leadership (default: leadership.ts's). */
  leadershipRetryMs?: number;
}

export interface DiscordGateway {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when interactions received so far have been answered. */
  settled(): Promise<void>;
  /** Whether this process holds the gateway connection now. */
  readonly leading: boolean;
}

export function discordGateway(deps: DiscordGatewayDependencies): DiscordGateway {
  const logger = deps.logger.child({ component: 'discord-gateway' });
  const inFlight = new Set<Promise<void>>();
  let client: Client | undefined;
  let leadership: Leadership | undefined;
  const changed = (up: boolean) => deps.onConnectionChange?.(up);

  const connect = async () => {
    const next = new Client({
      intents: [GatewayIntentBits.Guilds],
      // Only /gateway/bot goes through the client's own REST; it is pointed where ours is.
      rest: { api: deps.config.apiUrl, version: '10', retries: 0 },
    });
    next.on(Events.ClientReady, (ready) => {
      logger.info({ user: ready.user.id }, 'Discord gateway connected');
      changed(true);
    });
    next.on(Events.ShardDisconnect, (event) => {
      logger.warn({ code: event.code }, 'Discord gateway disconnected');
      changed(false);
    });
    next.on(Events.ShardReconnecting, () => {
      logger.info('Discord gateway reconnecting');
      changed(false);
    });
    next.on(Events.ShardResume, (_shard, replayed) => {
      logger.info({ replayed }, 'Discord gateway resumed');
      changed(true);
    });
    next.on(Events.ShardError, (error) => logger.warn({ err: error }, 'Discord gateway connection error'));
    next.on(Events.Invalidated, () => {
      logger.error('Discord invalidated the gateway session; check DISCORD_BOT_TOKEN');
      changed(false);
    });
    next.ws.on(GatewayDispatchEvents.InteractionCreate, (interaction: APIInteraction) => {
      const work: Promise<void> = deps.handler
        .handle(interaction, async (response) => {
          await deps.rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: response, auth: false });
        })
        .catch((error: unknown) => logger.error({ err: error }, 'a Discord interaction failed'))
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    });
    client = next;
    try {
      await next.login(deps.config.botToken);
    } catch (error) {
      client = undefined;
      await next.destroy().catch(() => undefined);
      throw error;
    }
  };

  const disconnect = async () => {
    const current = client;
    client = undefined;
    if (!current) return;
    await current.destroy();
    changed(false);
    logger.info('Discord gateway closed');
  };

  return {
    get leading() {
      return leadership?.leading ?? false;
    },
    async start() {
      changed(false);
      leadership = await holdLeadership(deps.orm, logger, { name: GATEWAY_ROLE, lead: connect, resign: disconnect }, { retryMs: deps.leadershipRetryMs });
    },
    async stop() {
      await leadership?.stop();
      leadership = undefined;
      await disconnect();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
