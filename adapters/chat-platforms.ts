/**
 * The chat platforms this service talks through, one registration each, plus the console. Built
 * once per process by bot/main.ts: web processes get the platforms' inbound webhooks, workers
 * get the outbound adapters (and Socket Mode connections — Slack spreads events over up to ten
 * connections of one app, so every worker may hold one and none needs to be a leader).
 */
import { userInfo } from 'node:os';
import { agentBundleSha256 } from '../bot/agent-bundle.ts';
import type { ChatAdapter } from '../bot/chat/chat-adapter.ts';
import { replayGuard } from '../bot/chat/inbound-replay-guard.ts';
import { runAlertAction, runCommand, type CommandDependencies } from '../bot/commands/command-core.ts';
import type { Config } from '../bot/config.ts';
import type { Logger } from '../bot/logger.ts';
import type { Orm } from '../bot/storage/orm.ts';
import { DEFAULT_WORKSPACE } from '../bot/workspaces/workspaces.ts';
import { CONSOLE_CHANNEL } from './console/adapter.ts';
import { repliesToTerminalText } from './console/terminal-message.ts';
import { createSlackIntegration, type SlackIntegration } from './slack/slack-app.ts';
import { SIGNATURE_WINDOW_SECONDS } from './slack/verify-signature.ts';
import type { Middleware } from 'koa';

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
  const adapters = new Map<string, ChatAdapter>();
  const webhooks: ChatPlatforms['webhooks'] = [];
  let slack: SlackIntegration | undefined;
  if (config.slack) {
    slack = await createSlackIntegration({
      config: config.slack,
      logger,
      clock,
      commands: { run: (request) => runCommand(deps, request), runAction: (request) => runAlertAction(deps, request) },
      isFirstSighting: replayGuard(orm, 'slack', SIGNATURE_WINDOW_SECONDS),
      onConnectionChange: input.onConnectionChange && ((up) => input.onConnectionChange!('slack', up)),
    });
    adapters.set('slack', slack.adapter);
    if (slack.httpHandler) webhooks.push({ path: '/slack/events', handler: slack.httpHandler });
  }
  const operator = userInfo().username;
  return {
    adapters,
    webhooks,
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
      await slack?.start();
    },
    async stop() {
      await slack?.stop();
    },
    async settled() {
      await slack?.settled();
    },
  };
}
