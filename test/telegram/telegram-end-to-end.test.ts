/**
 * Telegram end to end: updates as Telegram sends them, POSTed to the running Koa app's webhook,
 * through the real grammY SDK, to the command core and the database; Telegram's side is a fake Bot
 * API on loopback that records every call, and nock refuses any other network.
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatPlatforms, type ChatPlatforms } from '../../adapters/chat-platforms.ts';
import { MESSAGE_LIMIT } from '../../adapters/telegram/render.ts';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';
import { loadConfig } from '../../bot/config.ts';
import { evaluateStale } from '../../bot/events/evaluate-stale.ts';
import { createLogger } from '../../bot/logger.ts';
import { message, text } from '../../bot/messages/message.ts';
import { deliverDue } from '../../bot/notifications/deliver.ts';
import { queueRotationFollowUps } from '../../bot/tokens/rotation-follow-ups.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import {
  callbackUpdate,
  commandUpdate,
  migrateToUpdate,
  privateChatOf,
  startFakeTelegram,
  type FakeTelegram,
  type TelegramChat,
  type TelegramPerson,
} from '../support/fake-telegram.ts';
import { startTestApp, type RunningApp } from '../support/ingest-app.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';

const BOT_TOKEN = '7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SECRET = 'k3Yq_8dVn2-LmP4sW9xZ0aB7cE5fG1hJ';
const TOKEN = /dcs_[0-9A-Za-z]{49}/;

/** Telegram people: a group admin, an ordinary member, a member named in DEEPCLAW_ADMINS, an admin who never opened a private chat. */
const BOB: TelegramPerson = { id: 1001, first_name: 'Bob', username: 'bob_ops' };
const MALLORY: TelegramPerson = { id: 1002, first_name: 'Mallory' };
const CAROL: TelegramPerson = { id: 1003, first_name: 'Carol', last_name: 'Lee' };
const DAVE: TelegramPerson = { id: 1004, first_name: 'Dave' };

describeStorage('Telegram end to end', (db) => {
  let telegram: FakeTelegram;
  let platforms: ChatPlatforms;
  let app: RunningApp;
  let now = new Date();
  let chats = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    telegram = await startFakeTelegram();
    for (const person of [BOB, CAROL, MALLORY]) telegram.startedPrivateChat.add(person.id);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      DEEPCLAW_ADMINS: `telegram:${CAROL.id}`,
      DEEPCLAW_PUBLIC_URL: 'https://deepclaw.example.com',
    });
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logs.push(String(chunk));
          done();
        },
      }),
    });
    platforms = await createChatPlatforms({ config, logger, orm: db().database.orm, clock: () => now, agentSha256: async () => 'cd'.repeat(32) });
    app = await startTestApp(db(), {}, { chatWebhooks: platforms.webhooks });
  });

  afterAll(async () => {
    await app?.close();
    await platforms?.stop();
    await telegram?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const pool = async () => db().database.orm.em.getConnection().getNativeClient();

  /** POSTs an update to the webhook as Telegram does, then waits for the handlers. */
  async function send(update: Record<string, unknown>, secret: string | null = SECRET) {
    const response = await fetch(`${app.base}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: JSON.stringify(update),
    });
    await platforms.settled();
    return { status: response.status, body: await response.text() };
  }

  /** A command typed in a chat; returns what the bot sent in answer (sendMessage calls). */
  async function command(from: TelegramPerson | 'anonymous', chat: TelegramChat, typed: string, threadId?: number) {
    const before = telegram.calls.length;
    const update = commandUpdate({ chat, from, text: typed, threadId });
    const answer = await send(update);
    expect(answer.status).toBe(200);
    const sent = telegram.calls.slice(before).filter((c) => c.method === 'sendMessage');
    return { sent, inChat: sent.filter((c) => Number(c.payload.chat_id) === chat.id), messageId: (update.message as { message_id: number }).message_id };
  }

  const textsOf = (calls: { payload: Record<string, any> }[]) => calls.map((c) => String(c.payload.text));

  function newSupergroup(options: { forum?: true } = {}): TelegramChat {
    chats += 1;
    const id = -1_001_000_000_000 - chats;
    telegram.admins.add(`${id}:${BOB.id}`);
    telegram.admins.add(`${id}:${DAVE.id}`);
    return { id, type: 'supergroup', title: `Ops <${chats}> & co`, ...(options.forum ? { is_forum: true as const } : {}) };
  }

  /** A fresh workspace linked to a fresh chat by Bob (its admin), or by `by` (in their private chat). */
  async function linkedChat(chat: TelegramChat = newSupergroup(), threadId?: number, by: TelegramPerson = BOB): Promise<TelegramChat> {
    const workspace = `tg-team-${++chats}`;
    await cli(['workspace', 'create', workspace], { env: { DATABASE_URL: db().url } });
    const { code } = (await cli(['link-code', '--workspace', workspace, '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    now = new Date();
    const linked = await command(by, chat, `/deepclaw link ${code}`, threadId);
    expect(textsOf(linked.inChat).join('\n')).toContain(`Linked to DeepClaw workspace "${workspace}" by ${by.first_name}`);
    return chat;
  }

  async function push(token: string, sentAt: Date, snapshot = buildSnapshot({ sentAt, seq: sentAt.getTime() })) {
    app.setNow(sentAt);
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
    return response.status;
  }

  /** Adds an instance as Bob in the chat; returns its token (sent to Bob privately). */
  async function addInstance(chat: TelegramChat, name: string): Promise<string> {
    const added = await command(BOB, chat, `/deepclaw add ${name}`);
    const dm = added.sent.find((c) => Number(c.payload.chat_id) === BOB.id);
    return String(dm!.payload.text).match(TOKEN)![0];
  }

  it('lets no request leave loopback', async () => {
    await expect(fetch('https://api.telegram.org/bot123/getMe')).rejects.toThrow();
  });

  it('refuses an update with a wrong or missing secret with 401, before reading it, and does nothing', async () => {
    const chat = await linkedChat();
    const before = { calls: telegram.calls.length, audit: await sql('select count(*)::int as n from audit_log') };
    const forged = await send(commandUpdate({ chat, from: BOB, text: '/deepclaw add forged-vps' }), 'not-the-secret-at-all-0000000000');
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toEqual({ error: 'invalid_secret_token', message: 'the X-Telegram-Bot-Api-Secret-Token header is missing or wrong' });
    expect((await send(commandUpdate({ chat, from: BOB, text: '/deepclaw add unsigned-vps' }), null)).status).toBe(401);
    const garbage = await fetch(`${app.base}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(garbage.status).toBe(401);
    expect({ calls: telegram.calls.length, audit: await sql('select count(*)::int as n from audit_log') }).toEqual(before);
    expect(await sql(`select name from instance where name in ('forged-vps', 'unsigned-vps')`)).toEqual([]);
    expect(logs.join('')).toContain('refused a Telegram update: the X-Telegram-Bot-Api-Secret-Token header is missing or wrong');
  });

  it('handles an update Telegram delivers twice once', async () => {
    const chat = await linkedChat();
    const update = commandUpdate({ chat, from: BOB, text: '/deepclaw add twice-vps' });
    await send(update);
    expect((await send(update)).status).toBe(200);
    expect(await sql(`select count(*)::int as n from instance where name = 'twice-vps'`)).toEqual([{ n: 1 }]);
  });

  it('answers /deepclaw and /deepclaw@deepclaw_bot as a reply in the same chat, in HTML; /deepclaw@otherbot is not for it', async () => {
    const chat = await linkedChat();
    const help = await command(MALLORY, chat, '/deepclaw help');
    expect(help.inChat).toHaveLength(1);
    expect(help.inChat[0]!.payload).toMatchObject({ parse_mode: 'HTML', reply_parameters: { message_id: help.messageId, allow_sending_without_reply: true } });
    expect(help.inChat[0]!.payload.text).toContain('/deepclaw rotate-token &lt;instance&gt; [--grace 15m]');
    const addressed = await command(MALLORY, chat, '/deepclaw@deepclaw_bot help status');
    expect(textsOf(addressed.inChat).join('')).toContain('/deepclaw status [instance]');
    const other = await command(MALLORY, chat, '/deepclaw@otherbot help');
    expect(other.sent).toEqual([]);
    // Not a command at all: the same words as plain text.
    const before = telegram.calls.length;
    await send({ ...commandUpdate({ chat, from: MALLORY, text: 'deepclaw help' }) });
    expect(telegram.calls.length).toBe(before);
  });

  it('refuses --mention with the reason Telegram has none, and changes nothing; a digest can be set (issue 16)', async () => {
    const chat = await linkedChat();
    const mention = await command(BOB, chat, '/deepclaw subscribe --mention @here');
    expect(textsOf(mention.inChat)[0]).toContain('Telegram has no mention a bot can use to page people');
    expect(await db().database.orm.em.getConnection().execute(`select mention from subscription where channel_id = ?`, [String(chat.id)])).toEqual([{ mention: null }]);
    const digest = await command(BOB, chat, '/deepclaw digest daily 08:30');
    expect(textsOf(digest.inChat)[0]).toContain('This channel gets a digest daily 08:30 (UTC)');
  });

  it('answers argument mistakes with the usage line', async () => {
    const chat = await linkedChat();
    const missing = await command(BOB, chat, '/deepclaw rotate-token');
    expect(textsOf(missing.inChat)[0]).toContain('<b>Usage: /deepclaw rotate-token &lt;instance&gt; [--grace 15m]</b>');
    const unknown = await command(BOB, chat, '/deepclaw stauts');
    expect(textsOf(unknown.inChat)[0]).toContain('"stauts" is not a DeepClaw command.');
    const badDuration = await command(BOB, chat, '/deepclaw mute all forever');
    expect(textsOf(badDuration.inChat)[0]).toContain('Usage: /deepclaw mute &lt;instance|all&gt; &lt;duration&gt;');
  });

  it('runs every subcommand for an admin in a supergroup', async () => {
    const chat = await linkedChat();
    const token = await addInstance(chat, 'vps-every');
    expect(await push(token, new Date())).toBe(202);
    const [event] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at)
       select gen_random_uuid(), id, 'cron-failed', 'nightly', 'open', 'nightly failed', '{}', now() from instance where name = 'vps-every' returning id`,
    );
    const answers: Record<string, string> = {};
    for (const typed of [`ack ${event!.id.slice(0, 8)}`, 'status', 'status vps-every', 'instances', 'cost', 'cost vps-every 3', 'mute vps-every 1h', 'unmute vps-every', 'subscribe stale cron-failed', 'unsubscribe', 'subscribe', 'rotate-token vps-every --grace 15m', 'revoke vps-every', 'help']) {
      answers[typed] = textsOf((await command(BOB, chat, `/deepclaw ${typed}`)).inChat).join('\n');
    }
    expect(answers[`ack ${event!.id.slice(0, 8)}`]).toContain('Bob acknowledged vps-every');
    expect(answers['status']).toContain('vps-every');
    expect(answers['status vps-every']).toContain('vps-every');
    expect(answers['instances']).toContain('vps-every');
    expect(answers['cost']).toMatch(/spend|\$/i);
    expect(answers['mute vps-every 1h']).toContain('muted');
    expect(answers['unmute vps-every']).toMatch(/unmuted|again/i);
    expect(answers['subscribe stale cron-failed']).toMatch(/stale, cron-failed|stale and cron-failed/);
    expect(answers['unsubscribe']).toMatch(/no longer|stops|unsubscribed/i);
    expect(answers['subscribe']).toMatch(/receives|subscribed/i);
    expect(answers['rotate-token vps-every --grace 15m']).toContain('Sync token of vps-every rotated by Bob');
    expect(answers['revoke vps-every']).toContain('Sync tokens of vps-every revoked by Bob');
    expect(answers['help']).toContain('/deepclaw status [instance]');
    expect(Object.values(answers).join('\n')).not.toMatch(TOKEN);
  });

  it('refuses every admin subcommand to a member who is not an admin, and changes nothing', async () => {
    const chat = await linkedChat();
    const token = await addInstance(chat, 'vps-guarded');
    const before = await sql('select count(*)::int as n from audit_log');
    const refused: Record<string, string> = {};
    for (const typed of ['add vps-sneaky', 'rotate-token vps-guarded', 'revoke vps-guarded', 'mute vps-guarded 1h', 'unmute vps-guarded', 'subscribe', 'unsubscribe', 'link ABCD-EFGH']) {
      refused[typed] = textsOf((await command(MALLORY, chat, `/deepclaw ${typed}`)).inChat).join('\n');
    }
    for (const [typed, answer] of Object.entries(refused)) {
      expect(answer, typed).toMatch(/Sorry, only (DeepClaw admins|the chat’s creator and administrators) can .*Nothing was changed\./);
    }
    expect(refused['link ABCD-EFGH']).toContain('Sorry, only the chat’s creator and administrators can link this chat to DeepClaw');
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(before);
    expect(await sql(`select count(*)::int as n from instance where name = 'vps-sneaky'`)).toEqual([{ n: 0 }]);
    expect(await push(token, new Date())).toBe(202);
    // Only the chat's admins were asked about, through getChatMember.
    expect(telegram.callsOf('getChatMember').some((c) => c.payload.user_id === MALLORY.id && Number(c.payload.chat_id) === chat.id)).toBe(true);
  });

  it('rotates a token for an admin by private message: the group sees what and by whom, never the token; the old one is refused; a follow-up when the new one syncs', async () => {
    const chat = await linkedChat();
    const oldToken = await addInstance(chat, 'vps-rotate');
    const callsBefore = telegram.calls.length;
    const rotated = await command(BOB, chat, '/deepclaw rotate-token vps-rotate');
    const dm = rotated.sent.filter((c) => Number(c.payload.chat_id) === BOB.id);
    expect(dm).toHaveLength(1);
    const newToken = String(dm[0]!.payload.text).match(TOKEN)![0];
    expect(newToken).not.toBe(oldToken);
    expect(dm[0]!.payload.text).toContain(`<pre>${newToken}</pre>`);
    const group = textsOf(rotated.inChat).join('\n');
    expect(group).toContain('Sync token of vps-rotate rotated by Bob');
    expect(group).toContain('The new token was sent to Bob privately');
    // Nothing that reached any chat but Bob's private one carries the token, nor any log line.
    expect(JSON.stringify(telegram.calls.slice(callsBefore).filter((c) => Number(c.payload.chat_id) !== BOB.id))).not.toContain(newToken);
    expect(logs.join('')).not.toContain(newToken);
    expect(await push(oldToken, new Date())).toBe(401);

    const deliverFollowUps = async (at: Date) => {
      const queued = await queueRotationFollowUps(db().database.orm.em.fork(), [...platforms.adapters.keys()], at);
      await deliverDue(await pool(), platforms.adapters, at);
      return queued;
    };
    expect(await deliverFollowUps(new Date())).toMatchObject({ synced: 0 });
    expect(await push(newToken, new Date())).toBe(202);
    expect(await deliverFollowUps(new Date(Date.now() + 2000))).toMatchObject({ synced: 1 });
    const followUp = telegram.callsOf('sendMessage').at(-1)!;
    expect(Number(followUp.payload.chat_id)).toBe(chat.id);
    expect(followUp.payload.reply_parameters).toMatchObject({ message_id: rotated.messageId });
    expect(followUp.payload.text).toMatch(/✅ vps-rotate synced with its new token at \d\d:\d\d UTC/);
  });

  it('rotates nothing for an admin who never opened a private chat, and links them to one', async () => {
    const chat = await linkedChat();
    const token = await addInstance(chat, 'vps-nodm');
    const audit = await sql('select count(*)::int as n from audit_log');
    const refused = await command(DAVE, chat, '/deepclaw rotate-token vps-nodm');
    expect(refused.sent.filter((c) => Number(c.payload.chat_id) === DAVE.id)).toEqual([]);
    const answer = textsOf(refused.inChat).join('\n');
    expect(answer).toContain('Tokens are sent only in a private chat');
    expect(answer).toContain('Nothing was changed');
    expect(answer).toContain('https://t.me/deepclaw_bot?start=tokens');
    expect(answer).toContain('/deepclaw rotate-token vps-nodm');
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(audit);
    expect(await push(token, new Date())).toBe(202);

    // Dave follows the link and presses Start, then runs it again.
    telegram.startedPrivateChat.add(DAVE.id);
    const started = await command(DAVE, privateChatOf(DAVE), '/start tokens');
    expect(textsOf(started.inChat)[0]).toContain('DeepClaw can write to you here now');
    const again = await command(DAVE, chat, '/deepclaw rotate-token vps-nodm');
    expect(String(again.sent.find((c) => Number(c.payload.chat_id) === DAVE.id)?.payload.text)).toMatch(TOKEN);
    expect(await push(token, new Date())).toBe(401);
  });

  it('answers in a private chat linked to a workspace, the token in that same chat', async () => {
    const dm = await linkedChat(privateChatOf(CAROL), undefined, CAROL);
    const added = await command(CAROL, dm, '/deepclaw add vps-private');
    expect(added.sent.every((c) => Number(c.payload.chat_id) === CAROL.id)).toBe(true);
    expect(textsOf(added.sent).join('\n')).toMatch(TOKEN);
    expect(textsOf(added.sent).join('\n')).toContain('Instance vps-private added by');
  });

  it('lets an anonymous admin mute but not receive a token, and says why', async () => {
    const chat = await linkedChat();
    await addInstance(chat, 'vps-anon');
    const muted = await command('anonymous', chat, '/deepclaw mute vps-anon 1h');
    expect(textsOf(muted.inChat).join('\n')).toContain('an anonymous admin muted alerts for vps-anon');
    expect(await sql(`select actor from audit_log where action like '%mute%' order by at desc limit 1`)).toEqual([{ actor: `telegram:anonymous:${chat.id}` }]);
    const audit = await sql('select count(*)::int as n from audit_log');
    const rotate = await command('anonymous', chat, '/deepclaw rotate-token vps-anon');
    const answer = textsOf(rotate.inChat).join('\n');
    expect(answer).toContain('Anonymous admins cannot receive tokens');
    expect(answer).toContain('turn off "Remain anonymous"');
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(audit);
  });

  it('posts an alert in the topic it was subscribed from, with buttons; a resolve edits it, removes the keyboard and replies to it there', async () => {
    const chat = await linkedChat(newSupergroup({ forum: true }), 77);
    const token = await addInstance(chat, 'vps-topic');
    // A command typed in the topic is answered there, as a reply to it.
    const asked = await command(MALLORY, chat, '/deepclaw status', 77);
    expect(asked.inChat[0]!.payload).toMatchObject({ message_thread_id: 77, reply_parameters: { message_id: asked.messageId } });
    const start = new Date();
    expect(await push(token, start)).toBe(202);
    const quietAt = new Date(start.getTime() + 20 * 60_000);
    await evaluateStale(db().database.orm.em.fork(), quietAt, {});
    await deliverDue(await pool(), platforms.adapters, quietAt);
    const alert = telegram.callsOf('sendMessage').find((c) => Number(c.payload.chat_id) === chat.id && String(c.payload.text).includes('vps-topic: stopped syncing'))!;
    expect(alert.payload).toMatchObject({ parse_mode: 'HTML', message_thread_id: 77 });
    expect(alert.payload.reply_markup.inline_keyboard[0].map((b: any) => b.text)).toEqual(['Ack', 'Mute 1h', 'Mute 24h']);
    const [open] = await sql<{ message_ref: { chat: number; message: number; thread: number } }>(
      `select n.message_ref from notification n join event e on e.id = n.event_id join instance i on i.id = e.instance_id where i.name = 'vps-topic' and n.action = 'open'`,
    );
    expect(open!.message_ref).toMatchObject({ chat: chat.id, thread: 77 });

    const backAt = new Date(start.getTime() + 25 * 60_000);
    expect(await push(token, backAt)).toBe(202);
    await evaluateStale(db().database.orm.em.fork(), backAt, {});
    await deliverDue(await pool(), platforms.adapters, backAt);
    const edit = telegram.callsOf('editMessageText').find((c) => c.payload.message_id === open!.message_ref.message)!;
    expect(edit.payload.text).toContain('vps-topic: stopped syncing — resolved');
    expect(edit.payload.reply_markup).toEqual({ inline_keyboard: [] });
    const reply = telegram.callsOf('sendMessage').find((c) => c.payload.reply_parameters?.message_id === open!.message_ref.message)!;
    expect(reply.payload).toMatchObject({ message_thread_id: 77 });
    expect(reply.payload.text).toMatch(/^Resolved: /);
  });

  it('acks and mutes from the buttons with the same authorization, answering every press', async () => {
    const chat = await linkedChat();
    await addInstance(chat, 'vps-buttons');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-buttons'`);
    const [event] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at) values (gen_random_uuid(), ?, 'stale', 'agent', 'open', 'quiet', '{}', now()) returning id`,
      [instance!.id],
    );
    const press = async (from: TelegramPerson, data: string) => {
      const update = callbackUpdate({ chat, from, data, messageId: 4242 });
      const before = telegram.calls.length;
      expect((await send(update)).status).toBe(200);
      const calls = telegram.calls.slice(before);
      const answers = calls.filter((c) => c.method === 'answerCallbackQuery');
      expect(answers.map((c) => c.payload.callback_query_id)).toEqual([(update.callback_query as { id: string }).id]);
      return { toast: answers[0]!.payload.text as string | undefined, posted: calls.filter((c) => c.method === 'sendMessage') };
    };
    const mutedUntil = async () => (await sql<{ muted_until: string | null }>(`select muted_until from instance where name = 'vps-buttons'`))[0]!.muted_until;

    const refused = await press(MALLORY, `m1h:${event!.id}`);
    expect(refused.toast).toContain('Sorry, only DeepClaw admins can mute alerts');
    expect(refused.posted).toEqual([]);
    expect(await mutedUntil()).toBeNull();

    now = new Date();
    const muted = await press(CAROL, `m24h:${event!.id}`);
    expect(new Date((await mutedUntil())!).getTime()).toBe(now.getTime() + 24 * 3_600_000);
    expect(muted.posted[0]!.payload).toMatchObject({ chat_id: chat.id, reply_parameters: { message_id: 4242 } });
    expect(muted.posted[0]!.payload.text).toContain('Carol Lee muted alerts for vps-buttons for 1d');

    await press(MALLORY, `ack:${event!.id}`);
    expect(await sql(`select state, acked_by from event where id = ?`, [event!.id])).toEqual([{ state: 'acked', acked_by: `telegram:${MALLORY.id}` }]);
    expect((await press(MALLORY, 'not-ours')).toast).toContain('not one of DeepClaw’s');
  });

  it('shows names with markup as typed: <script>, &amp;, <b> and @channel escaped', async () => {
    const chat = await linkedChat();
    const token = await addInstance(chat, 'vps-escape');
    const nastyModel = 'evil/<script>alert(1)</script>&amp;<b>@channel';
    const nastyJob = '<b>nightly</b> & <a href="https://evil.example">click</a> @channel';
    const sentAt = new Date();
    const base = buildSnapshot({ sentAt, seq: sentAt.getTime(), models: [nastyModel], cronJobs: 1 });
    const snapshot = { ...base, cron: [{ ...base.cron[0]!, name: nastyJob, lastStatus: 'error' as const, lastErrorReason: 'rate_limit', consecutiveErrors: 3 }] };
    expect(await push(token, sentAt, snapshot)).toBe(202);
    const cost = textsOf((await command(MALLORY, chat, '/deepclaw cost vps-escape 1')).inChat).join('\n');
    expect(cost).toContain('evil/&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&lt;b&gt;@channel');
    const status = textsOf((await command(MALLORY, chat, '/deepclaw status vps-escape')).inChat).join('\n');
    expect(status).toContain('&lt;b&gt;nightly&lt;/b&gt; &amp; &lt;a href="https://evil.example"&gt;click&lt;/a&gt; @channel');
    for (const html of [cost, status]) {
      // Only our own tags remain.
      expect(html.match(/<\/?[a-z-]+/g)?.filter((tag) => !['<b', '</b', '<i', '</i', '<pre', '</pre'].includes(tag)) ?? []).toEqual([]);
    }
    // The chat's title (from Telegram, with < and &) is never echoed unescaped either.
    expect(status).not.toContain('Ops <');
  });

  it('answers status for 120 instances within 4,096 characters, the stale one first and a count of what did not fit', async () => {
    const chat = await linkedChat();
    const [workspace] = await sql<{ id: string }>(`select w.id from workspace w join chat_link l on l.workspace_id = w.id where l.external_id = ?`, [String(chat.id)]);
    await sql(
      `with added as (
         insert into instance (id, workspace_id, name, interval_seconds, created_at)
         select gen_random_uuid(), ?, 'gateway-with-a-long-name-' || lpad(n::text, 3, '0'), 300, now() from generate_series(1, 120) as n returning id
       )
       insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                   agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
       select id, now() - interval '2 minutes', 1, gen_random_uuid(), now(), 0, '0.1.0', 300, '{}', '{}', '{}', '', false from added`,
      [workspace!.id],
    );
    await sql(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at)
       select gen_random_uuid(), id, 'stale', 'agent', 'open', 'quiet', '{}', now() from instance where workspace_id = ? and name = 'gateway-with-a-long-name-110'`,
      [workspace!.id],
    );
    const status = await command(MALLORY, chat, '/deepclaw status').finally(() => sql(`delete from instance where workspace_id = ?`, [workspace!.id]));
    expect(status.inChat.length).toBeGreaterThanOrEqual(1);
    for (const part of textsOf(status.inChat)) expect(part.length).toBeLessThanOrEqual(MESSAGE_LIMIT);
    const lines = textsOf(status.inChat).join('\n').split('\n').filter((line) => line.startsWith('• '));
    expect(lines[0]).toMatch(/^• 🔴 gateway-with-a-long-name-110: stale/);
    expect(lines.at(-1)).toMatch(/^• …and \d+ more healthy instances$/);
    expect(lines.length).toBeLessThan(120);
  });

  describe('delivery', () => {
    it('reports a 429 with retry_after to the outbox as retry-after, and a network failure without the token', async () => {
      const adapter = platforms.adapters.get('telegram')!;
      telegram.failNext.set('sendMessage', [{ error_code: 429, description: 'Too Many Requests: retry after 17', parameters: { retry_after: 17 } }]);
      const failure = await adapter.post('-1009999', message('t', text('s'))).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(DeliveryError);
      expect(failure).toMatchObject({ kind: 'retry-after', retryAfterSeconds: 17 });
      telegram.failNext.set('sendMessage', ['drop']);
      const dropped = await adapter.post('-1009999', message('t', text('s'))).catch((error: unknown) => error);
      expect(dropped).toMatchObject({ kind: 'transient', message: 'sendMessage: Telegram could not be reached' });
      expect(JSON.stringify(dropped)).not.toContain(BOT_TOKEN);
      // A command whose answer cannot be sent is logged, without the token in the URL.
      const chat = await linkedChat();
      telegram.failNext.set('sendMessage', ['drop', 'drop']);
      await command(MALLORY, chat, '/deepclaw help');
      expect(logs.join('')).toContain('a Telegram command failed');
      expect(logs.join('')).not.toContain(BOT_TOKEN);
      expect(logs.join('')).not.toContain(encodeURIComponent(BOT_TOKEN));
    });

    it('honours retry_after in the outbox, then delivers', async () => {
      const chat = await linkedChat();
      const token = await addInstance(chat, 'vps-flood');
      const start = new Date();
      expect(await push(token, start)).toBe(202);
      const quietAt = new Date(start.getTime() + 20 * 60_000);
      await evaluateStale(db().database.orm.em.fork(), quietAt, {});
      telegram.failNextIn.set(chat.id, [{ error_code: 429, description: 'Too Many Requests: retry after 17', parameters: { retry_after: 17 } }]);
      const alerts = () => telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) === chat.id && String(c.payload.text).includes('vps-flood: stopped syncing'));
      await deliverDue(await pool(), platforms.adapters, quietAt);
      expect(alerts()).toHaveLength(1);
      const [row] = await sql<{ last_error: string; next_attempt_at: Date }>(
        `select n.last_error, n.next_attempt_at from notification n join subscription s on s.id = n.subscription_id where s.channel_id = ? and n.action = 'open'`,
        [String(chat.id)],
      );
      expect(row!.last_error).toBe('sendMessage: rate limited by Telegram (retry after 17 s)');
      expect(new Date(row!.next_attempt_at).getTime()).toBe(quietAt.getTime() + 17_000);
      await deliverDue(await pool(), platforms.adapters, new Date(quietAt.getTime() + 16_000));
      expect(alerts()).toHaveLength(1);
      await deliverDue(await pool(), platforms.adapters, new Date(quietAt.getTime() + 17_000));
      expect(alerts()).toHaveLength(2);
    });

    it('disables the subscription when Telegram says the bot was kicked, with that reason', async () => {
      const chat = await linkedChat();
      const token = await addInstance(chat, 'vps-kicked');
      const start = new Date();
      expect(await push(token, start)).toBe(202);
      const quietAt = new Date(start.getTime() + 20 * 60_000);
      await evaluateStale(db().database.orm.em.fork(), quietAt, {});
      telegram.failNextIn.set(chat.id, [{ error_code: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }]);
      await deliverDue(await pool(), platforms.adapters, quietAt);
      expect(await sql(`select disabled_at is not null as disabled, last_error from subscription where channel_id = ?`, [String(chat.id)])).toEqual([
        { disabled: true, last_error: 'sendMessage: Telegram said "Forbidden: bot was kicked from the supergroup chat"' },
      ]);
    });

    it('disables a private chat whose person blocked the bot', async () => {
      telegram.failNext.set('sendMessage', [{ error_code: 403, description: 'Forbidden: bot was blocked by the user' }]);
      await expect(platforms.adapters.get('telegram')!.post(String(BOB.id), message('t', text('s')))).rejects.toMatchObject({
        kind: 'permanent',
        message: 'sendMessage: Telegram said "Forbidden: bot was blocked by the user"',
      });
      telegram.failNext.set('sendMessage', [{ error_code: 400, description: 'Bad Request: chat not found' }]);
      await expect(platforms.adapters.get('telegram')!.post('-1000000000404', message('t', text('s')))).rejects.toMatchObject({ kind: 'permanent' });
    });

    it('moves the link and subscription of a group upgraded to a supergroup, announced by an update; the next alert reaches the new chat id', async () => {
      chats += 1;
      const group: TelegramChat = { id: -4_000_000_000 - chats, type: 'group', title: 'Small ops' };
      telegram.admins.add(`${group.id}:${BOB.id}`);
      await linkedChat(group);
      const token = await addInstance(group, 'vps-upgraded');
      const supergroupId = -1_002_000_000_000 - chats;
      expect((await send(migrateToUpdate({ group, by: BOB, toChatId: supergroupId }))).status).toBe(200);
      expect(await sql(`select external_id from chat_link where external_id in (?, ?)`, [String(group.id), String(supergroupId)])).toEqual([{ external_id: String(supergroupId) }]);
      expect(await sql(`select channel_id from subscription where channel_id in (?, ?)`, [String(group.id), String(supergroupId)])).toEqual([{ channel_id: String(supergroupId) }]);

      const start = new Date();
      expect(await push(token, start)).toBe(202);
      const quietAt = new Date(start.getTime() + 20 * 60_000);
      await evaluateStale(db().database.orm.em.fork(), quietAt, {});
      await deliverDue(await pool(), platforms.adapters, quietAt);
      const alert = telegram.callsOf('sendMessage').find((c) => String(c.payload.text).includes('vps-upgraded: stopped syncing'))!;
      expect(Number(alert.payload.chat_id)).toBe(supergroupId);
      // Commands from the supergroup find the workspace.
      const status = await command(MALLORY, { id: supergroupId, type: 'supergroup', title: 'Small ops' }, '/deepclaw status vps-upgraded');
      expect(textsOf(status.inChat).join('')).toContain('vps-upgraded');
    });

    it('follows a migrate_to_chat_id error: the subscription moves and the alert is delivered to the new chat id at once', async () => {
      chats += 1;
      const group: TelegramChat = { id: -4_100_000_000 - chats, type: 'group', title: 'Other ops' };
      telegram.admins.add(`${group.id}:${BOB.id}`);
      await linkedChat(group);
      const token = await addInstance(group, 'vps-migrated');
      const supergroupId = -1_003_000_000_000 - chats;
      telegram.migrated.set(group.id, supergroupId);
      const start = new Date();
      expect(await push(token, start)).toBe(202);
      const quietAt = new Date(start.getTime() + 20 * 60_000);
      await evaluateStale(db().database.orm.em.fork(), quietAt, {});
      await deliverDue(await pool(), platforms.adapters, quietAt);
      const attempts = telegram.callsOf('sendMessage').filter((c) => String(c.payload.text).includes('vps-migrated: stopped syncing'));
      expect(attempts.map((c) => Number(c.payload.chat_id))).toEqual([group.id, supergroupId]);
      expect(await sql(`select channel_id, disabled_at from subscription where channel_id in (?, ?)`, [String(group.id), String(supergroupId)])).toEqual([
        { channel_id: String(supergroupId), disabled_at: null },
      ]);
    });
  });
});
