/**
 * The chat platforms this service talks through, one registration each (a new platform is one
 * line in PLATFORMS), plus the console. Built once per process by bot/main.ts: web processes get
 * the platforms' inbound webhooks, workers get the outbound adapters (and long-lived connections
 * — Slack spreads events over up to ten Socket Mode connections of one app, so every worker may
 * hold one and none needs to be a leader).
 */
import { userInfo } from 'node:os';
import { agentBundleSha256 } from '../bot/agent-bundle.ts';
import type { ChatAdapter } from '../bot/chat/chat-adapter.ts';
import { runAlertAction, runCommand, type CommandDependencies } from '../bot/commands/command-core.ts';
import type { AlertActionRequest, CommandRequest } from '../bot/commands/command-request.ts';
import type { Config } from '../bot/config.ts';
import type { Logger } from '../bot/logger.ts';
import type { Orm } from '../bot/storage/orm.ts';
import { DEFAULT_WORKSPACE } from '../bot/workspaces/workspaces.ts';
import { CONSOLE_CHANNEL } from './console/adapter.ts';
import { repliesToTerminalText } from './console/terminal-message.ts';
import type { Middleware } from 'koa';
import type { ChatPlatformRegistration, PlatformIntegration } from './chat-platform.ts';
import { slackPlatform } from './slack/slack-platform.ts';
import { discordPlatform } from './discord/discord-platform.ts';
import { telegramPlatform } from './telegram/telegram-platform.ts';

/** Every platform DeepClaw can talk through; each is on only when its configuration is present. */
const PLATFORMS: readonly ChatPlatformRegistration[] = [slackPlatform, discordPlatform, telegramPlatform];

export interface ChatPlatforms {
  /** Outbound adapters by platform (the console's is added by the caller). */
  adapters: Map<string, ChatAdapter>;
  /** Inbound webhooks to mount in the Koa app. */
  webhooks: { path: string; handler: Middleware }[];
  /** `/deepclaw …` typed at the terminal of `npm start`. */
  answerConsole(text: string): Promise<string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when inbound work acknowledged but not yet finished is done (tests). */
  settled(): Promise<void>;
}

export async function createChatPlatforms(input: {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock?: () => Date;
  agentSha256?: () => Promise<string | undefined>;
  /** Told when a platform's connection (Slack Socket Mode) opens or drops, for metrics. */
  onConnectionChange?: (platform: string, up: boolean) => void;
}): Promise<ChatPlatforms> {
  const { config, logger, orm } = input;
  const clock = input.clock ?? (() => new Date());
  const deps: CommandDependencies = {
    orm,
    chatAdmins: config.chatAdmins,
    publicUrl: config.publicUrl,
    agentSha256: input.agentSha256 ?? agentBundleSha256(),
    clock,
  };
  const commands = { run: (request: CommandRequest) => runCommand(deps, request), runAction: (request: AlertActionRequest) => runAlertAction(deps, request) };
  const integrations: PlatformIntegration[] = [];
  const adapters = new Map<string, ChatAdapter>();
  for (const registration of PLATFORMS) {
    const onConnectionChange = input.onConnectionChange && ((up: boolean) => input.onConnectionChange!(registration.platform, up));
    const integration = await registration.create({ config, logger, orm, clock, commands, onConnectionChange });
    if (!integration) continue;
    integrations.push(integration);
    adapters.set(registration.platform, integration.adapter);
  }
  const operator = userInfo().username;
  return {
    adapters,
    webhooks: integrations.flatMap((integration) => integration.webhooks),
    async answerConsole(text) {
      const replies = await runCommand(
        deps,
        {
          text,
          requester: { platform: 'console', userId: operator, displayName: operator, isPlatformAdmin: true },
          place: { chatId: 'console', channelId: CONSOLE_CHANNEL },
        },
        { workspaceName: DEFAULT_WORKSPACE },
      );
      return repliesToTerminalText(replies);
    },
    async start() {
      for (const integration of integrations) await integration.start();
    },
    async stop() {
      await Promise.all(integrations.map((integration) => integration.stop()));
    },
    async settled() {
      await Promise.all(integrations.map((integration) => integration.settled()));
    },
  };
}
