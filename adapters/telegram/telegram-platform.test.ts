import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import type { Orm } from '../../bot/storage/orm.ts';
import { telegramPlatform } from './telegram-platform.ts';

const TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const context = (env: NodeJS.ProcessEnv) => ({
  config: loadConfig(env),
  logger: createLogger({ level: 'silent' }),
  orm: undefined as unknown as Orm,
  clock: () => new Date(),
  commands: { run: async () => [], runAction: async () => [] },
});

describe('the Telegram registration', () => {
  it('is off without TELEGRAM_BOT_TOKEN', async () => {
    expect(await telegramPlatform.create(context({}))).toBeUndefined();
  });

  it('refuses the webhook without TELEGRAM_WEBHOOK_SECRET in one line that says how to get one', async () => {
    const failure = await telegramPlatform.create(context({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9' })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as ConfigError).problems).toEqual([
      'TELEGRAM_WEBHOOK_SECRET: needed for the webhook (TELEGRAM_TRANSPORT=webhook); `npm run deepclaw -- telegram set-webhook` generates one, or set TELEGRAM_TRANSPORT=polling',
    ]);
  });
});
