/** `deepclaw telegram set-webhook` and `telegram webhook-info`, against the fake Bot API on loopback. */
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.ts';

const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'k3Yq_8dVn2-LmP4sW9xZ0aB7cE5fG1hJ';

describeStorage('deepclaw telegram …', (db) => {
  let telegram: FakeTelegram;
  const env = (extra: Record<string, string> = {}) => ({ env: { DATABASE_URL: db().url, TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, ...extra } });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await telegram?.close();
    nock.enableNetConnect();
  });

  it('registers the webhook with the configured secret and allowed_updates, and sets the command list for private chats and groups', async () => {
    const result = await cli(['telegram', 'set-webhook'], env({ TELEGRAM_WEBHOOK_SECRET: SECRET, DEEPCLAW_PUBLIC_URL: 'https://deepclaw.example.com/' }));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('Telegram now sends message and callback_query updates to https://deepclaw.example.com/telegram/webhook.\nThe command list (/deepclaw) is set for private chats and groups.\n');
    expect(telegram.webhook).toEqual({ url: 'https://deepclaw.example.com/telegram/webhook', secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
    expect(telegram.callsOf('setMyCommands').map((c) => [c.payload.scope, c.payload.commands.map((x: { command: string }) => x.command)])).toEqual([
      [{ type: 'all_private_chats' }, ['deepclaw']],
      [{ type: 'all_group_chats' }, ['deepclaw']],
    ]);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('generates a secret when none is set, registers it, and prints it once', async () => {
    const result = await cli(['telegram', 'set-webhook', 'https://bot.example.org'], env());
    expect(result.exitCode).toBe(0);
    const printed = /TELEGRAM_WEBHOOK_SECRET=([A-Za-z0-9_-]{43})\n/.exec(result.stdout)?.[1];
    expect(printed).toBeDefined();
    expect(telegram.webhook).toMatchObject({ url: 'https://bot.example.org/telegram/webhook', secret_token: printed });
    const again = await cli(['telegram', 'set-webhook', 'https://bot.example.org'], env());
    expect(/TELEGRAM_WEBHOOK_SECRET=([A-Za-z0-9_-]{43})/.exec(again.stdout)?.[1]).not.toBe(printed);
  });

  it('refuses what Telegram would refuse, in one line, and registers nothing', async () => {
    const calls = telegram.calls.length;
    expect(await cli(['telegram', 'set-webhook'], env())).toMatchObject({
      exitCode: 2,
      stderr: 'deepclaw: "telegram set-webhook" needs the public URL Telegram reaches this service at: pass it, or set DEEPCLAW_PUBLIC_URL\n',
    });
    expect(await cli(['telegram', 'set-webhook', 'http://10.0.0.5:3000'], env())).toMatchObject({
      exitCode: 2,
      stderr: 'deepclaw: Telegram delivers webhooks only to https:// URLs (got http://10.0.0.5:3000); without a public https URL, set TELEGRAM_TRANSPORT=polling instead\n',
    });
    expect(await cli(['telegram', 'webhook-info'], { env: { DATABASE_URL: db().url } })).toMatchObject({
      exitCode: 2,
      stderr: 'deepclaw: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set its token (docs/telegram.md)\n',
    });
    expect(telegram.calls.length).toBe(calls);
    telegram.failNext.set('setWebhook', [{ error_code: 401, description: 'Unauthorized' }]);
    const refused = await cli(['telegram', 'set-webhook', 'https://bot.example.org'], env());
    expect(refused).toMatchObject({ exitCode: 1, stderr: 'deepclaw: Telegram refused setWebhook: Unauthorized (check TELEGRAM_BOT_TOKEN)\n' });
    expect(refused.stdout).toBe('');
  });

  it('shows what Telegram has: the URL, pending updates and the last error, never the token', async () => {
    await cli(['telegram', 'set-webhook', 'https://deepclaw.example.com'], env({ TELEGRAM_WEBHOOK_SECRET: SECRET }));
    const info = await cli(['telegram', 'webhook-info'], env({ TELEGRAM_WEBHOOK_SECRET: SECRET }));
    expect(info.exitCode).toBe(0);
    expect(info.stdout).toBe(
      [
        'URL:              https://deepclaw.example.com/telegram/webhook',
        'Pending updates:  3',
        'Last error:       2026-11-30 00:53 UTC: Wrong response from the webhook: 502 Bad Gateway',
        'Allowed updates:  message, callback_query',
        'This service:     TELEGRAM_TRANSPORT=webhook',
        '',
      ].join('\n'),
    );
    telegram.failNext.set('getWebhookInfo', ['drop']);
    const unreachable = await cli(['telegram', 'webhook-info'], env());
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr).toBe(`deepclaw: Telegram could not be reached at ${telegram.apiRoot} (check TELEGRAM_API_ROOT and the network)\n`);
    expect(unreachable.stderr).not.toContain(BOT_TOKEN);
  });
});
