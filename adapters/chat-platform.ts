/**
 * What a chat platform plugs in: one registration object per platform folder, listed in
 * chat-platforms.ts. The registration checks the configuration (no integration when the
 * platform is not configured) and builds the platform's outbound adapter, its inbound webhooks
 * and its long-lived connections; everything else — the command core, the outbox, rendering
 * rules — is shared.
 */
import type { Middleware } from 'koa';
import type { ChatAdapter } from '../bot/chat/chat-adapter.ts';
import type { AlertActionRequest, CommandRequest } from '../bot/commands/command-request.ts';
import type { Config } from '../bot/config.ts';
import type { Logger } from '../bot/logger.ts';
import type { Reply } from '../bot/messages/message.ts';
import type { Orm } from '../bot/storage/orm.ts';

export interface PlatformContext {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: () => Date;
  /** The `/deepclaw …` command core and the alert buttons, shared by every platform. */
  commands: {
    run(request: CommandRequest): Promise<Reply[]>;
    runAction(request: AlertActionRequest): Promise<Reply[]>;
  };
  /** Told when a long-lived connection opens (true) or drops (false), for metrics. */
  onConnectionChange?(up: boolean): void;
}

export interface PlatformIntegration {
  adapter: ChatAdapter;
  /** Inbound HTTP endpoints, mounted by web processes. */
  webhooks: { path: string; handler: Middleware }[];
  /** Opens long-lived connections (Socket Mode, a gateway, long polling), on workers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once inbound work acknowledged but not yet finished is done (tests, shutdown). */
  settled(): Promise<void>;
}

export interface ChatPlatformRegistration {
  /** The platform's name in subscriptions, links and the admin allowlist (`slack`). */
  platform: string;
  /** The integration, or undefined when the configuration does not enable this platform. */
  create(context: PlatformContext): Promise<PlatformIntegration | undefined>;
}
