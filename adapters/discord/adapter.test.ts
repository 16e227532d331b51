import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';
import { message, text } from '../../bot/messages/message.ts';
import { startFakeDiscord, type FakeDiscord } from '../../test/support/fake-discord.ts';
import { discordAdapter } from './adapter.ts';
import { discordRest } from './discord-rest.ts';

const CHANNEL = '710000000000000009';

describe('Discord delivery failures, as the outbox sees them', () => {
  let discord: FakeDiscord;
  let adapter: ReturnType<typeof discordAdapter>;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: '1100000000000000042' });
  });

  beforeEach(() => {
    adapter = discordAdapter(discordRest({ apiUrl: discord.apiUrl, botToken: 'MTEw.Gabc.test' }), () => new Date('2026-12-02T12:00:00Z'));
  });

  afterAll(async () => {
    await discord?.close();
    nock.enableNetConnect();
  });

  const failingPost = async (failure: Parameters<FakeDiscord['failNext']['set']>[1][number]) => {
    discord.failNext.set('POST /channels/:id/messages', [failure]);
    const before = discord.calls.length;
    const error = await adapter.post(CHANNEL, message('t', text('s'))).catch((caught: unknown) => caught);
    // Exactly one request: the client never retried or waited on its own.
    expect(discord.calls.length - before).toBe(1);
    expect(error).toBeInstanceOf(DeliveryError);
    return error as DeliveryError;
  };

  it.each([
    [{ status: 429, retryAfterSeconds: 17 }, { kind: 'retry-after', retryAfterSeconds: 17, message: 'POST /channels/{id}/messages: rate limited by Discord' }],
    [{ status: 500, message: 'Internal Server Error' }, { kind: 'transient', message: 'POST /channels/{id}/messages: Discord answered HTTP 500' }],
    [{ status: 502, message: 'Bad Gateway' }, { kind: 'transient' }],
    [{ status: 403, code: 50001, message: 'Missing Access' }, { kind: 'permanent', message: 'POST /channels/{id}/messages: Discord said Missing Access (50001)' }],
    [{ status: 403, code: 50013, message: 'Missing Permissions' }, { kind: 'permanent' }],
    [{ status: 404, code: 10003, message: 'Unknown Channel' }, { kind: 'permanent', message: 'POST /channels/{id}/messages: Discord said Unknown Channel (10003)' }],
    [{ status: 401, code: 0, message: '401: Unauthorized' }, { kind: 'transient', message: 'POST /channels/{id}/messages: Discord refused the bot token (401); set a working DISCORD_BOT_TOKEN and restart' }],
    [{ status: 400, code: 50035, message: 'Invalid Form Body' }, { kind: 'transient' }],
  ])('answers %j as %j', async (failure, expected) => {
    expect(await failingPost(failure)).toMatchObject(expected);
  });

  it('keeps saying the token was refused after a 401, without asking Discord again', async () => {
    await failingPost({ status: 401, code: 0, message: '401: Unauthorized' });
    const before = discord.calls.length;
    await expect(adapter.post(CHANNEL, message('t', text('s')))).rejects.toMatchObject({
      kind: 'transient',
      message: 'POST /channels/{id}/messages: Discord refused the bot token earlier (401); set a working DISCORD_BOT_TOKEN and restart',
    });
    expect(discord.calls.length).toBe(before);
  });

  it('posts and edits with mentions off, and replies referencing the alert', async () => {
    const ref = await adapter.post(CHANNEL, message('t', text('@everyone')));
    await adapter.update(ref, message('t2', text('edited')));
    const reply = await adapter.reply(ref, 'Resolved: after 3 min');
    expect(discord.messages.get(String(ref.message))).toMatchObject({ edits: 1, body: { allowed_mentions: { parse: [] } } });
    expect(reply.channel).toBe(CHANNEL);
  });
});
