/**
 * Long polling (TELEGRAM_TRANSPORT=polling): only the leader worker polls, after deleting the
 * webhook; a second worker does not, and takes over when the leader stops. Two workers need two
 * database sessions, so that part runs on Postgres (the embedded database has one session).
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createChatPlatforms } from '../../adapters/chat-platforms.ts';
import { createTelegramIntegration, type TelegramIntegration } from '../../adapters/telegram/telegram-app.ts';
import { loadConfig } from '../../bot/config.ts';
import { createLogger } from '../../bot/logger.ts';
import { holdLeadership } from '../../bot/scheduler/leadership.ts';
import { openDatabase, type Database } from '../../bot/storage/orm.ts';
import { describeStorage, TEST_DATABASE_CONFIG } from '../support/databases.ts';
import { commandUpdate, FAKE_BOT, privateChatOf, startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.ts';

const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const ERIN = { id: 2001, first_name: 'Erin' };
const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeStorage('Telegram long polling', (db) => {
  const fakes: FakeTelegram[] = [];
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(fakes.map((fake) => fake.close()));
    nock.enableNetConnect();
  });

  async function fakeTelegram(): Promise<FakeTelegram> {
    const fake = await startFakeTelegram();
    fake.startedPrivateChat.add(ERIN.id);
    fakes.push(fake);
    return fake;
  }

  /** One worker's Telegram integration, polling through `telegram` once it leads. */
  function worker(database: Database, telegram: FakeTelegram): Promise<TelegramIntegration> {
    return createTelegramIntegration({
      config: { botToken: BOT_TOKEN, apiRoot: telegram.apiRoot, transport: 'polling' },
      chatAdmins: new Set(),
      logger,
      clock: () => new Date(),
      commands: { run: async () => [], runAction: async () => [] },
      onChatMoved: async () => undefined,
      isFirstSighting: async () => true,
      holdLeadership: (role) => holdLeadership(database.orm, logger, role, { retryMs: 20 }),
      botInfo: FAKE_BOT,
      pollTimeoutSeconds: 1,
    });
  }

  it('polls on the leader worker after deleting the webhook, serves no webhook, and answers what it polls', async () => {
    const telegram = await fakeTelegram();
    telegram.webhook = { url: 'https://old.example.com/telegram/webhook' };
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_TRANSPORT: 'polling' });
    const platforms = await createChatPlatforms({ config, logger, orm: db().database.orm, agentSha256: async () => undefined });
    try {
      expect(platforms.webhooks).toEqual([]);
      await platforms.start();
      await until(() => telegram.callsOf('getUpdates').length > 0);
      const methods = telegram.calls.map((c) => c.method);
      expect(methods.indexOf('deleteWebhook')).toBeGreaterThanOrEqual(0);
      expect(methods.indexOf('deleteWebhook')).toBeLessThan(methods.indexOf('getUpdates'));
      expect(telegram.webhook).toBeUndefined();
      expect(telegram.callsOf('getUpdates')[0]!.payload.allowed_updates).toEqual(['message', 'callback_query']);

      telegram.pendingUpdates.push(commandUpdate({ chat: privateChatOf(ERIN), from: ERIN, text: '/deepclaw help' }));
      await until(() => telegram.callsOf('sendMessage').length > 0);
      expect(telegram.callsOf('sendMessage')[0]!.payload).toMatchObject({ chat_id: ERIN.id, parse_mode: 'HTML' });
      expect(telegram.callsOf('sendMessage')[0]!.payload.text).toContain('/deepclaw status [instance]');
    } finally {
      await platforms.stop();
    }
    const polls = telegram.callsOf('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(telegram.callsOf('getUpdates').length).toBe(polls);
  });

  it('lets a second worker wait while the first polls, and take over when it stops', async () => {
    if (db().backend !== 'postgres') return;
    const second = await openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } });
    // Each worker talks to its own fake, so the calls show which worker polled.
    const [seenByFirst, seenBySecond] = [await fakeTelegram(), await fakeTelegram()];
    const first = await worker(db().database, seenByFirst);
    const other = await worker(second, seenBySecond);
    try {
      await first.start();
      await other.start();
      await until(() => seenByFirst.callsOf('getUpdates').length >= 2);
      expect(seenBySecond.callsOf('getUpdates')).toEqual([]);
      expect(seenBySecond.callsOf('deleteWebhook')).toEqual([]);
      await first.stop();
      await until(() => seenBySecond.callsOf('getUpdates').length > 0);
      const polledByFirst = seenByFirst.callsOf('getUpdates').length;
      await until(() => seenBySecond.callsOf('getUpdates').length >= 3);
      expect(seenByFirst.callsOf('getUpdates').length).toBe(polledByFirst);
    } finally {
      await first.stop();
      await other.stop();
      await second.close();
    }
  });
});
