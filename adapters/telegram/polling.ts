/**
 * Long polling (`TELEGRAM_TRANSPORT=polling`) for deployments without a public URL. Telegram hands
 * each update to one `getUpdates` caller and answers a second one 409 Conflict, so exactly one
 * worker polls: the holder of the `telegram-polling` leadership (bot/scheduler/leadership.ts). A
 * follower takes over within a retry interval when the leader stops or dies. grammY's `start()`
 * deletes the webhook before its first `getUpdates`, so a webhook set earlier cannot fight it.
 */
import type { Bot } from 'grammy';
import type { Logger } from '../../bot/logger.ts';
import type { LeadershipRole } from '../../bot/scheduler/leadership.ts';
import { redactError } from './redact-token.ts';

/** What DeepClaw asks Telegram for, over the webhook or polling: commands and button presses. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface PollingOptions {
  logger: Logger;
  token: string;
  /** Seconds one getUpdates call waits for updates (Telegram's long poll; tests shorten it). */
  timeoutSeconds?: number;
  onConnectionChange?(up: boolean): void;
}

/** The role the leader runs: poll until resigned. */
export function pollingRole(bot: Bot, options: PollingOptions): LeadershipRole {
  let running: Promise<void> | undefined;
  return {
    name: 'telegram-polling',
    async lead() {
      // Not awaited: start() resolves only when polling stops, and retries an unreachable Telegram
      // on its own; a worker's start-up must not wait for Telegram.
      running = bot
        .start({ allowed_updates: [...ALLOWED_UPDATES], timeout: options.timeoutSeconds ?? 30, onStart: () => options.onConnectionChange?.(true) })
        .catch((error: unknown) => {
          options.logger.error(
            { err: redactError(error, options.token) },
            'Telegram long polling stopped with an error: 401 means TELEGRAM_BOT_TOKEN is wrong, 409 that something else polls or a webhook is set with this token',
          );
        })
        .finally(() => options.onConnectionChange?.(false));
    },
    async resign() {
      if (bot.isRunning()) await bot.stop();
      await running;
      running = undefined;
    },
  };
}
