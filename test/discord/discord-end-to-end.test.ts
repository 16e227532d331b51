/**
 * Discord end to end over HTTP interactions: signed interactions into the running Koa app, through
 * the interaction handler, to the command core and the database; Discord's side is a fake REST API
 * on loopback that the real @discordjs/rest client talks to, recording every call, and nock
 * refuses any other network.
 */
import { Writable } from 'node:stream';
import { MessageFlags } from 'discord-api-types/v10';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatPlatforms, type ChatPlatforms } from '../../adapters/chat-platforms.ts';
import { loadConfig } from '../../bot/config.ts';
import { evaluateInstances } from '../../bot/events/evaluate-instances.ts';
import { evaluateStale } from '../../bot/events/evaluate-stale.ts';
import { enqueueReminders } from '../../bot/notifications/reminders.ts';
import { createLogger } from '../../bot/logger.ts';
import { deliverDue } from '../../bot/notifications/deliver.ts';
import { queueRotationFollowUps } from '../../bot/tokens/rotation-follow-ups.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { buttonClick, displayed, MANAGE_SERVER, ORDINARY_MEMBER, shownText, slashCommand, testKeyPair, type DiscordPerson } from '../support/discord-interactions.ts';
import { startFakeDiscord, type FakeDiscord } from '../support/fake-discord.ts';
import { startTestApp, type RunningApp } from '../support/ingest-app.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';

const APPLICATION_ID = '1100000000000000042';
const BOT_TOKEN = 'MTEwMDAwMDAwMDAwMDAwMDA0Mg.Gabcde.test-bot-token-not-real';
const TOKEN = /dcs_[0-9A-Za-z]{49}/;
const KEYS = testKeyPair();

/** Discord people: a member with Manage Server, an ordinary member, and one named in DEEPCLAW_ADMINS. */
const BOB: DiscordPerson = { id: '800000000000000001', name: 'bob', permissions: MANAGE_SERVER };
const MALLORY: DiscordPerson = { id: '800000000000000002', name: 'mallory', permissions: ORDINARY_MEMBER };
const CAROL: DiscordPerson = { id: '800000000000000003', name: 'carol', permissions: ORDINARY_MEMBER };

describeStorage('Discord end to end', (db) => {
  let discord: FakeDiscord;
  let platforms: ChatPlatforms;
  let app: RunningApp;
  let now = new Date();
  let guilds = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    discord = await startFakeDiscord({ applicationId: APPLICATION_ID });
    const config = loadConfig({
      DISCORD_BOT_TOKEN: BOT_TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_PUBLIC_KEY: KEYS.publicKeyHex,
      DISCORD_API_URL: discord.apiUrl,
      DEEPCLAW_ADMINS: `discord:${CAROL.id}`,
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
    await discord?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const pool = async () => db().database.orm.em.getConnection().getNativeClient();
  const adapters = () => new Map([['discord', platforms.adapters.get('discord')!]]);

  /** POSTs an interaction signed for `now` (or as told), then waits for the work after the answer. */
  async function send(interaction: unknown, options: { timestamp?: number; signature?: string | null; body?: string } = {}) {
    const body = options.body ?? JSON.stringify(interaction);
    const timestamp = String(options.timestamp ?? Math.floor(now.getTime() / 1000));
    const signature = options.signature === undefined ? KEYS.sign(timestamp, body) : options.signature;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-signature-timestamp': timestamp };
    if (signature !== null) headers['x-signature-ed25519'] = signature;
    const response = await fetch(`${app.base}/discord/interactions`, { method: 'POST', headers, body });
    await platforms.settled();
    return { status: response.status, json: (await response.json()) as any, signature, timestamp, body };
  }

  /**
   * Runs `/deepclaw <subcommand>` and returns every message it produced, in order: the initial
   * response, then the interaction's follow-ups, each with whether only the requester saw it.
   */
  async function command(person: DiscordPerson, where: { guildId?: string; channelId: string }, subcommand: string, options: Record<string, string | number> = {}) {
    const interaction = slashCommand(person, { applicationId: APPLICATION_ID, ...where }, subcommand, options);
    const callsBefore = discord.calls.length;
    const answer = await send(interaction);
    expect(answer.status).toBe(200);
    const followUps = discord.calls.slice(callsBefore).filter((call) => call.path.includes(interaction.token));
    const messages = [answer.json.data, ...followUps.map((call) => call.body)].filter(Boolean);
    return {
      answer: answer.json,
      messages: messages.map((body) => ({ private: ((body.flags ?? 0) & MessageFlags.Ephemeral) !== 0, text: shownText(body), body })),
      followUps,
    };
  }

  /** A guild of its own, linked to a workspace of its own, with one channel subscribed. */
  async function linkedGuild(): Promise<{ guildId: string; channelId: string; workspace: string }> {
    guilds += 1;
    const guildId = `70000000000000${String(guilds).padStart(4, '0')}`;
    const channelId = `71000000000000${String(guilds).padStart(4, '0')}`;
    const workspace = `guild-${guilds}`;
    await cli(['workspace', 'create', workspace], { env: { DATABASE_URL: db().url } });
    const { code } = (await cli(['link-code', '--workspace', workspace, '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    now = new Date();
    const linked = await command(BOB, { guildId, channelId }, 'link', { code });
    expect(linked.messages).toEqual([expect.objectContaining({ private: false, text: expect.stringContaining(`Linked to DeepClaw workspace "${workspace}" by bob`) })]);
    return { guildId, channelId, workspace };
  }

  async function push(token: string, sentAt: Date, snapshot: object = buildSnapshot({ sentAt, seq: sentAt.getTime() })) {
    app.setNow(sentAt);
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
    return response.status;
  }

  async function addedInstance(where: { guildId: string; channelId: string }, name: string): Promise<string> {
    const added = await command(BOB, where, 'add', { name });
    return added.messages.find((m) => m.private)!.text.match(TOKEN)![0];
  }

  it('lets no request leave loopback', async () => {
    await expect(fetch('https://discord.com/api/v10/gateway')).rejects.toThrow();
  });

  it('answers a signed PING with PONG, as the developer portal checks when the endpoint is saved', async () => {
    const answer = await send({ id: '1', application_id: APPLICATION_ID, type: 1, token: 'ping-token', version: 1 });
    expect(answer).toMatchObject({ status: 200, json: { type: 1 } });
    // Start-up asked Discord who the bot is, so a wrong token would have been logged at once.
    expect(discord.callsTo('GET /users/@me')[0]!.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(logs.join('')).toContain('Discord accepted the bot token');
  });

  it('refuses forged, missing, stale (6 minutes) and replayed signatures with 401, and does nothing', async () => {
    const where = await linkedGuild();
    const before = { calls: discord.calls.length, audit: await sql('select count(*)::int as n from audit_log') };
    const forged = slashCommand(BOB, { applicationId: APPLICATION_ID, ...where }, 'add', { name: 'forged-vps' });
    const other = testKeyPair();
    const timestamp = String(Math.floor(now.getTime() / 1000));
    expect((await send(forged, { signature: other.sign(timestamp, JSON.stringify(forged)), timestamp: Number(timestamp) })).status).toBe(401);
    expect((await send(slashCommand(BOB, { applicationId: APPLICATION_ID, ...where }, 'add', { name: 'unsigned-vps' }), { signature: null })).status).toBe(401);
    const stale = await send(slashCommand(BOB, { applicationId: APPLICATION_ID, ...where }, 'add', { name: 'stale-vps' }), { timestamp: Math.floor(now.getTime() / 1000) - 6 * 60 });
    expect(stale).toMatchObject({ status: 401, json: { error: 'invalid_signature', message: 'the Discord signature is missing, stale or wrong' } });
    // A body changed after signing: the signature no longer matches.
    const tampered = JSON.stringify(forged).replace('forged-vps', 'tampered-vps');
    const signedOriginal = KEYS.sign(timestamp, JSON.stringify(forged));
    expect((await send(undefined, { body: tampered, signature: signedOriginal, timestamp: Number(timestamp) })).status).toBe(401);
    expect({ calls: discord.calls.length, audit: await sql('select count(*)::int as n from audit_log') }).toEqual(before);
    expect(await sql(`select name from instance where name in ('forged-vps', 'unsigned-vps', 'stale-vps', 'tampered-vps')`)).toEqual([]);

    const genuine = slashCommand(BOB, { applicationId: APPLICATION_ID, ...where }, 'add', { name: 'replayed-vps' });
    const first = await send(genuine);
    expect(first.status).toBe(200);
    const replay = await send(undefined, { body: first.body, signature: first.signature, timestamp: Number(first.timestamp) });
    expect(replay).toMatchObject({ status: 401, json: { error: 'replayed_request' } });
    expect(await sql(`select count(*)::int as n from instance where name = 'replayed-vps'`)).toEqual([{ n: 1 }]);
  });

  it('answers help privately, with every command', async () => {
    const where = await linkedGuild();
    const help = await command(MALLORY, where, 'help');
    expect(help.answer.type).toBe(4);
    expect(help.messages).toEqual([expect.objectContaining({ private: true })]);
    expect(help.messages[0]!.text).toContain('/deepclaw rotate-token <instance> [--grace 15m]');
    expect(help.messages[0]!.body.allowed_mentions).toEqual({ parse: [] });
    const one = await command(MALLORY, where, 'help', { subcommand: 'mute' });
    expect(one.messages[0]!.text).toContain('/deepclaw mute <instance|all> <duration>');
  });

  it('answers every subcommand with its reply', async () => {
    const where = await linkedGuild();
    const token = await addedInstance(where, 'vps-all');
    expect(await push(token, new Date())).toBe(202);

    const status = await command(MALLORY, where, 'status');
    expect(status.messages).toEqual([expect.objectContaining({ private: true, text: expect.stringContaining(`Workspace "${where.workspace}"`) })]);
    expect(status.messages[0]!.text).toContain('🟢 vps-all: ok');
    const one = await command(MALLORY, where, 'status', { instance: 'vps-all' });
    expect(one.messages[0]!.text).toContain('🟢 vps-all: ok');
    expect(one.messages[0]!.body.embeds[0].fields.map((f: any) => f.name)).toContain('Last sync');
    expect((await command(MALLORY, where, 'instances')).messages[0]!.text).toMatch(/vps-all: every 5m, active, token dcs_/);
    expect((await command(MALLORY, where, 'cost', { instance: 'vps-all', days: 3 })).messages[0]!.text).toContain('Spend of vps-all, last 3 days (UTC)');

    const muted = await command(BOB, where, 'mute', { target: 'vps-all', duration: '2h' });
    expect(muted.messages).toEqual([expect.objectContaining({ private: false, text: expect.stringContaining('bob muted alerts for vps-all for 2h') })]);
    expect((await command(BOB, where, 'unmute', { target: 'vps-all' })).messages[0]!.text).toContain('bob unmuted alerts for vps-all');
    expect((await command(BOB, where, 'subscribe', { kinds: 'stale cost-drift' })).messages[0]!.text).toContain('This channel now receives stale, cost-drift alerts');
    expect((await command(BOB, where, 'unsubscribe')).messages[0]!.text).toContain('no longer receives');
    expect((await command(BOB, where, 'subscribe')).messages[0]!.text).toContain('This channel now receives every alert');

    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-all'`);
    const [event] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at) values (gen_random_uuid(), ?, 'stale', 'agent', 'open', 'quiet', '{}', now()) returning id`,
      [instance!.id],
    );
    const acked = await command(MALLORY, where, 'ack', { event: event!.id.slice(0, 8) });
    expect(acked.messages[0]).toMatchObject({ private: false, text: expect.stringContaining('mallory acknowledged vps-all: stale') });

    const revoked = await command(BOB, where, 'revoke', { instance: 'vps-all' });
    expect(revoked.messages[0]).toMatchObject({ private: false, text: expect.stringContaining('Sync tokens of vps-all revoked by bob') });
    expect(await push(token, new Date())).toBe(401);
  });

  it('offers the linked workspace’s instance names as people type, and none in an unlinked server', async () => {
    const where = await linkedGuild();
    await addedInstance(where, 'web-1');
    await addedInstance(where, 'web-2');
    await addedInstance(where, 'db-1');
    const suggest = async (subcommand: string, option: string, value: string, guildId = where.guildId) =>
      (await send(slashCommand(MALLORY, { applicationId: APPLICATION_ID, guildId, channelId: where.channelId }, subcommand, { [option]: value }, option))).json;
    expect(await suggest('status', 'instance', 'we')).toEqual({ type: 8, data: { choices: [{ name: 'web-1', value: 'web-1' }, { name: 'web-2', value: 'web-2' }] } });
    expect((await suggest('rotate-token', 'instance', '1')).data.choices.map((c: any) => c.name)).toEqual(['db-1', 'web-1']);
    expect((await suggest('mute', 'target', '')).data.choices.map((c: any) => c.name)).toEqual(['all', 'db-1', 'web-1', 'web-2']);
    expect(await suggest('status', 'instance', 'we', '79999999999999999')).toEqual({ type: 8, data: { choices: [] } });
  });

  it('answers each argument mistake privately with the usage line, and changes nothing', async () => {
    const where = await linkedGuild();
    await addedInstance(where, 'vps-usage');
    const mistakes: [string, Record<string, string | number>, string][] = [
      ['mute', { target: 'vps-usage', duration: 'forever' }, 'Usage: /deepclaw mute <instance|all> <duration>'],
      ['mute', { target: 'vps-usage', duration: '1000d' }, 'The duration can be at most 90 days'],
      ['rotate-token', { instance: 'vps-usage', grace: 'soon' }, 'Usage: /deepclaw rotate-token <instance> [--grace 15m]'],
      ['add', { name: 'Bad Name!' }, 'Too many arguments: "Name!"'],
      ['add', { name: 'UPPER' }, 'is not a valid instance name'],
      ['ack', { event: 'not-an-id!' }, 'is not an event id'],
      ['link', { code: 'abc' }, 'A link code is 8 letters and digits'],
      ['subscribe', { kinds: 'nonsense' }, '"nonsense" is not an alert kind'],
      ['status', { instance: 'vps-usag' }, 'There is no instance named "vps-usag"'],
    ];
    const audit = await sql('select count(*)::int as n from audit_log');
    for (const [subcommand, options, expected] of mistakes) {
      const answer = await command(BOB, where, subcommand, options);
      expect(answer.messages, `${subcommand} ${JSON.stringify(options)}`).toEqual([expect.objectContaining({ private: true, text: expect.stringContaining(expected) })]);
    }
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(audit);
    expect(await sql(`select muted_until from instance where name = 'vps-usage'`)).toEqual([{ muted_until: null }]);
  });

  it('refuses a member without Manage Server rotate-token, add, revoke and mute, and changes nothing', async () => {
    const where = await linkedGuild();
    const token = await addedInstance(where, 'vps-guarded');
    const audit = await sql('select count(*)::int as n from audit_log');
    const attempts: [string, Record<string, string>, string][] = [
      ['rotate-token', { instance: 'vps-guarded' }, 'rotate sync tokens'],
      ['add', { name: 'vps-sneaky' }, 'add instances'],
      ['revoke', { instance: 'vps-guarded' }, 'revoke sync tokens'],
      ['mute', { target: 'vps-guarded', duration: '1h' }, 'mute alerts'],
    ];
    for (const [subcommand, options, verb] of attempts) {
      const refused = await command(MALLORY, where, subcommand, options);
      expect(refused.messages).toEqual([
        expect.objectContaining({ private: true, text: expect.stringContaining(`Sorry, only DeepClaw admins can ${verb}: members with Manage Server or Administrator`) }),
      ]);
    }
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(audit);
    expect(await sql(`select count(*)::int as n from instance where name = 'vps-sneaky'`)).toEqual([{ n: 0 }]);
    expect(await sql(`select muted_until from instance where name = 'vps-guarded'`)).toEqual([{ muted_until: null }]);
    expect(await push(token, new Date())).toBe(202);
    // Administrator alone counts too, and DEEPCLAW_ADMINS adds people without either.
    const administrator = { id: '800000000000000009', name: 'ada', permissions: String(1n << 3n) };
    expect((await command(administrator, where, 'mute', { target: 'vps-guarded', duration: '1h' })).messages[0]!.text).toContain('ada muted alerts');
    expect((await command(CAROL, where, 'unmute', { target: 'vps-guarded' })).messages[0]!.text).toContain('carol unmuted alerts');
  });

  it('rotates for an admin: the token only in the ephemeral reply, the old one refused, a follow-up after the new one syncs', async () => {
    const where = await linkedGuild();
    const added = await command(BOB, where, 'add', { name: 'vps-rotate' });
    expect(added.messages.map((m) => m.private)).toEqual([true, false]);
    const oldToken = added.messages[0]!.text.match(TOKEN)![0];
    expect(added.messages[1]!.text).not.toMatch(/dcs_/);
    expect(added.messages[0]!.text).toContain('curl -fsSLO https://deepclaw.example.com/agent/deepclaw-agent.mjs');

    const callsBefore = discord.calls.length;
    const rotated = await command(BOB, where, 'rotate-token', { instance: 'vps-rotate' });
    const [privately, publicly] = rotated.messages;
    expect(privately).toMatchObject({ private: true });
    expect(privately!.body.flags).toBe(64);
    const newToken = privately!.text.match(TOKEN)![0];
    expect(newToken).not.toBe(oldToken);
    expect(publicly).toMatchObject({ private: false, text: expect.stringContaining('Sync token of vps-rotate rotated by bob') });
    expect(publicly!.text).not.toContain(newToken);
    // Nothing that reached Discord besides the ephemeral answer carries the token.
    expect(JSON.stringify(discord.calls.slice(callsBefore))).not.toContain(newToken);
    expect(logs.join('')).not.toContain(newToken);
    expect(logs.join('')).not.toContain(BOT_TOKEN);

    expect(await push(oldToken, new Date())).toBe(401);
    const deliverFollowUps = async (at: Date) => {
      const queued = await queueRotationFollowUps(db().database.orm.em.fork(), ['discord'], at);
      await deliverDue(await pool(), adapters(), at);
      return queued;
    };
    expect(await deliverFollowUps(new Date())).toMatchObject({ synced: 0 });
    expect(await push(newToken, new Date())).toBe(202);
    expect(await deliverFollowUps(new Date())).toMatchObject({ synced: 1 });
    const followUp = discord.callsTo('POST /channels/:id/messages').at(-1)!;
    expect(followUp.path).toBe(`/channels/${where.channelId}/messages`);
    expect(shownText(followUp.body)).toMatch(/^✅ vps-rotate synced with its new token at \d\d:\d\d UTC/);
    expect(followUp.body.allowed_mentions).toEqual({ parse: [] });
    expect(followUp.authorization).toBe(`Bot ${BOT_TOKEN}`);
  });

  /** A stale alert for a new instance, posted through the outbox to a linked channel. */
  async function postedStaleAlert(name: string) {
    const where = await linkedGuild();
    const token = await addedInstance(where, name);
    const start = new Date();
    expect(await push(token, start)).toBe(202);
    const quietAt = new Date(start.getTime() + 20 * 60_000);
    await evaluateStale(db().database.orm.em.fork(), quietAt, {});
    await deliverDue(await pool(), adapters(), quietAt);
    const posted = [...discord.messages.values()].find((m) => m.channel_id === where.channelId && m.body.embeds?.[0]?.title?.includes('stopped syncing'))!;
    expect(posted).toBeDefined();
    return { ...where, token, start, quietAt, posted };
  }

  it('posts a stale alert as an embed with buttons, edits it in place on recovery and replies to it', async () => {
    const alert = await postedStaleAlert('vps-stale');
    const [embed] = alert.posted.body.embeds;
    expect(displayed(embed.title)).toBe('🔴 vps-stale: stopped syncing');
    expect(embed.color).toBe(0xed4245);
    expect(embed.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(embed.fields.map((f: any) => f.name)).toEqual(['Instance', 'Since']);
    expect(alert.posted.body.allowed_mentions).toEqual({ parse: [] });
    expect(alert.posted.body.components[0].components.map((b: any) => [b.label, b.custom_id.split(':').slice(0, 2).join(':')])).toEqual([
      ['Ack', 'deepclaw:ack'],
      ['Mute 1h', 'deepclaw:mute-1h'],
      ['Mute 24h', 'deepclaw:mute-24h'],
    ]);

    const backAt = new Date(alert.start.getTime() + 37 * 60_000);
    expect(await push(alert.token, backAt)).toBe(202);
    await evaluateStale(db().database.orm.em.fork(), backAt, {});
    await deliverDue(await pool(), adapters(), backAt);
    const edited = discord.messages.get(alert.posted.id)!;
    expect(edited.edits).toBe(1);
    expect(displayed(edited.body.embeds[0].title)).toBe('✅ vps-stale: stopped syncing — resolved');
    expect(edited.body.embeds[0].color).toBe(0x57f287);
    expect(edited.body.components).toEqual([]);
    expect(shownText(edited.body)).toMatch(/Resolved: .*after \d+ min/);
    const reply = discord.callsTo('POST /channels/:id/messages').at(-1)!;
    expect(reply.body.message_reference).toMatchObject({ message_id: alert.posted.id });
    expect(displayed(reply.body.content)).toMatch(/^Resolved: /);
    expect(reply.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('acks and mutes from the alert buttons, with the same authorization as the commands', async () => {
    const alert = await postedStaleAlert('vps-buttons');
    const customIds = alert.posted.body.components[0].components.map((b: any) => b.custom_id as string);
    const [eventId] = await sql<{ id: string }>(`select e.id from event e join instance i on i.id = e.instance_id where i.name = 'vps-buttons'`);
    const click = async (person: DiscordPerson, customId: string) => {
      const answer = await send(buttonClick(person, { applicationId: APPLICATION_ID, guildId: alert.guildId, channelId: alert.channelId }, customId, alert.posted.id));
      expect(answer.status).toBe(200);
      return { private: ((answer.json.data.flags ?? 0) & 64) !== 0, text: shownText(answer.json.data) };
    };
    const mutedUntil = async () => (await sql<{ muted_until: string | null }>(`select muted_until from instance where name = 'vps-buttons'`))[0]!.muted_until;

    expect(await click(MALLORY, customIds[1]!)).toEqual({ private: true, text: expect.stringContaining('Sorry, only DeepClaw admins can mute alerts') });
    expect(await mutedUntil()).toBeNull();
    now = new Date();
    expect(await click(CAROL, customIds[1]!)).toEqual({ private: false, text: expect.stringContaining('carol muted alerts for vps-buttons for 1h') });
    expect(new Date((await mutedUntil())!).getTime()).toBe(now.getTime() + 3_600_000);
    expect(await click(BOB, customIds[2]!)).toMatchObject({ text: expect.stringContaining('for 1d') });

    expect(await click(MALLORY, customIds[0]!)).toEqual({ private: false, text: expect.stringContaining('mallory acknowledged vps-buttons: stale') });
    expect(await sql(`select state, acked_by from event where id = ?`, [eventId!.id])).toEqual([{ state: 'acked', acked_by: `discord:${MALLORY.id}` }]);
    // The outbox redraws the alert: who acked, no Ack button, Mute still offered.
    await deliverDue(await pool(), adapters(), new Date(alert.quietAt.getTime() + 60_000));
    const redrawn = discord.messages.get(alert.posted.id)!;
    expect(shownText(redrawn.body)).toContain('Acknowledged: by mallory at');
    expect(redrawn.body.components[0].components.map((b: any) => b.label)).toEqual(['Mute 1h', 'Mute 24h']);
  });

  it('waits out a 429 for exactly the retry_after Discord gave, sending nothing before; a 403 disables the subscription', async () => {
    const alert = await postedStaleAlert('vps-limited');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-limited'`);
    const [event] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at) values (gen_random_uuid(), ?, 'cost-drift', 'spend', 'open', 'spend up', '{}', now()) returning id`,
      [instance!.id],
    );
    await sql(
      `insert into notification (id, event_id, subscription_id, action, state, next_attempt_at, attempts, created_at)
       select gen_random_uuid(), ?, s.id, 'open', 'pending', ?, 0, now() from subscription s where s.platform = 'discord' and s.channel_id = ?`,
      [event!.id, alert.quietAt, alert.channelId],
    );
    const posts = () => discord.callsTo('POST /channels/:id/messages').filter((c) => c.path === `/channels/${alert.channelId}/messages`).length;
    const before = posts();
    discord.failNext.set('POST /channels/:id/messages', [{ status: 429, retryAfterSeconds: 17 }]);
    const t0 = new Date(alert.quietAt.getTime() + 1000);
    expect(await deliverDue(await pool(), adapters(), t0)).toMatchObject({ sent: 0, retried: 1 });
    expect(posts()).toBe(before + 1);
    expect(await deliverDue(await pool(), adapters(), new Date(t0.getTime() + 16_000))).toMatchObject({ sent: 0, retried: 0 });
    expect(posts()).toBe(before + 1);
    expect(await deliverDue(await pool(), adapters(), new Date(t0.getTime() + 17_000))).toMatchObject({ sent: 1 });
    expect(posts()).toBe(before + 2);

    // The bot lost access to the channel: that subscription stops, with Discord's reason.
    const [second] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at) values (gen_random_uuid(), ?, 'error-spike', 'errors', 'open', 'errors up', '{}', now()) returning id`,
      [instance!.id],
    );
    await sql(
      `insert into notification (id, event_id, subscription_id, action, state, next_attempt_at, attempts, created_at)
       select gen_random_uuid(), ?, s.id, 'open', 'pending', ?, 0, now() from subscription s where s.platform = 'discord' and s.channel_id = ?`,
      [second!.id, t0, alert.channelId],
    );
    discord.failNext.set('POST /channels/:id/messages', [{ status: 403, code: 50001, message: 'Missing Access' }]);
    expect(await deliverDue(await pool(), adapters(), new Date(t0.getTime() + 20_000))).toMatchObject({ failed: 1 });
    expect(await sql(`select last_error from subscription where platform = 'discord' and channel_id = ?`, [alert.channelId])).toEqual([
      { last_error: 'POST /channels/{id}/messages: Discord said Missing Access (50001)' },
    ]);
    const listed = await cli(['subscription', 'list', '--workspace', alert.workspace], { env: { DATABASE_URL: db().url } });
    expect(listed.stdout).toContain('Missing Access (50001)');
    const status = await command(BOB, alert, 'status');
    expect(status.messages[0]!.text).toContain(`discord:${alert.channelId}`);
    expect(status.messages[0]!.text).toContain('Missing Access (50001)');
  });

  it('works in a DM with the bot once that DM is linked: the token privately, alerts there too', async () => {
    const dm = { channelId: '720000000000000001' };
    const unlinked = await command(MALLORY, dm, 'status');
    expect(unlinked.messages).toEqual([expect.objectContaining({ private: true, text: expect.stringContaining('is not linked to DeepClaw yet') })]);
    expect((await command(MALLORY, dm, 'help')).messages[0]!.text).toContain('DeepClaw commands');

    await cli(['workspace', 'create', 'dm-team'], { env: { DATABASE_URL: db().url } });
    const { code } = (await cli(['link-code', '--workspace', 'dm-team', '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    // In a DM the person is the only member, so its admin: the code a DeepClaw admin handed them is the grant.
    const linked = await command(MALLORY, dm, 'link', { code });
    expect(linked.messages[0]!.text).toContain('Linked to DeepClaw workspace "dm-team" by mallory');
    expect(await sql(`select external_id from chat_link where platform = 'discord' and external_id like 'dm:%'`)).toEqual([{ external_id: `dm:${MALLORY.id}` }]);
    const added = await command(MALLORY, dm, 'add', { name: 'vps-dm' });
    expect(added.messages[0]).toMatchObject({ private: true, text: expect.stringMatching(TOKEN) });
    const rotated = await command(MALLORY, dm, 'rotate-token', { instance: 'vps-dm' });
    expect(rotated.messages[0]).toMatchObject({ private: true, text: expect.stringMatching(TOKEN) });
    expect(await sql(`select channel_id from subscription where platform = 'discord' and channel_id = ?`, [dm.channelId])).toEqual([{ channel_id: dm.channelId }]);
    // The same person in a server is only what the server says they are.
    const where = await linkedGuild();
    expect((await command(MALLORY, where, 'add', { name: 'vps-not-here' })).messages[0]!.text).toContain('Sorry, only DeepClaw admins can add instances');
  });

  it('posts the resolve as a new message when someone deleted the alert', async () => {
    const alert = await postedStaleAlert('vps-deleted');
    discord.messages.delete(alert.posted.id);
    const backAt = new Date(alert.start.getTime() + 25 * 60_000);
    expect(await push(alert.token, backAt)).toBe(202);
    await evaluateStale(db().database.orm.em.fork(), backAt, {});
    expect(await deliverDue(await pool(), adapters(), backAt)).toMatchObject({ sent: 1, failed: 0 });
    const resolved = [...discord.messages.values()].filter((m) => m.channel_id === alert.channelId && displayed(m.body.embeds?.[0]?.title ?? '').includes('vps-deleted: stopped syncing — resolved'));
    expect(resolved).toHaveLength(1);
    expect(await sql(`select disabled_at from subscription where platform = 'discord' and channel_id = ?`, [alert.channelId])).toEqual([{ disabled_at: null }]);
  });

  it('shows names with markdown and mentions as typed, pinging nobody', async () => {
    const where = await linkedGuild();
    const name = 'db__primary__1';
    const token = await addedInstance(where, name);
    const nastyJob = '@everyone <@123> **bold** `tick` ||spoiler|| [click](https://evil.example) # heading';
    const nastyModel = 'evil/@here<@&456>**x**';
    const sentAt = new Date();
    const base = buildSnapshot({ sentAt, seq: sentAt.getTime(), models: [nastyModel], cronJobs: 1 });
    const snapshot = { ...base, cron: [{ ...base.cron[0]!, name: nastyJob, lastStatus: 'error' as const, lastErrorReason: 'rate_limit', consecutiveErrors: 3 }] };
    expect(await push(token, sentAt, snapshot)).toBe(202);

    const status = await command(MALLORY, where, 'status', { instance: name });
    const body = status.messages[0]!.body;
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(status.messages[0]!.text).toContain(`${nastyJob}: error (rate_limit), 3 in a row`);
    expect(status.messages[0]!.text).toContain(`🟢 ${name}: ok`);
    // No markup survives unescaped: every character that could format or mention carries its backslash.
    const markdown = (embed: any): string[] => [embed.title, embed.description, ...(embed.fields ?? []).map((f: any) => f.value)].filter(Boolean);
    const bare = (value: string) => value.replace(/\\./g, '');
    for (const value of markdown(body.embeds[0])) expect(bare(value)).not.toMatch(/[*_~`|<>[\]()#@]/);
    expect(bare(body.embeds[0].description)).not.toContain('https://');

    const cost = await command(MALLORY, where, 'cost', { instance: name, days: 1 });
    expect(cost.messages[0]!.text).toContain(`${nastyModel}:`);
    for (const value of markdown(cost.messages[0]!.body.embeds[0])) expect(bare(value)).not.toMatch(/[*_~`|<>[\]()#@]/);
  });
  it('pings the subscribed role on a critical opening alert only, allowing that role alone; warnings, reminders and resolves ping nobody (issue 16)', async () => {
    const where = await linkedGuild();
    const ROLE = '900000000000000077';
    const everyone = await command(BOB, where, 'subscribe', { mention: '@everyone' });
    expect(everyone.messages[0]!.text).toContain('DeepClaw does not ping @everyone on Discord');
    const member = await command(BOB, where, 'subscribe', { mention: `<@${BOB.id}>` });
    expect(member.messages[0]!.text).toContain('is a member, not a role');
    const refused = await command(MALLORY, where, 'subscribe', { mention: `<@&${ROLE}>` });
    expect(refused.messages[0]!.text).toContain('only DeepClaw admins can subscribe channels to alerts');
    expect(await sql(`select mention from subscription where channel_id = ?`, [where.channelId])).toEqual([{ mention: null }]);
    const set = await command(BOB, where, 'subscribe', { mention: `<@&${ROLE}>`, severity: 'critical' });
    expect(set.messages[0]!.text).toContain(`Opening critical alerts mention role ${ROLE}.`);

    const name = 'vps-role';
    const token = await addedInstance(where, name);
    const start = new Date();
    const base = buildSnapshot({ sentAt: start, seq: start.getTime(), cronJobs: 1 });
    const snapshot = { ...base, cron: [{ ...base.cron[0]!, name: `@everyone <@&${ROLE}> nightly`, lastStatus: 'error' as const, lastErrorReason: 'timeout', consecutiveErrors: 1 }] };
    expect(await push(token, start, snapshot)).toBe(202);
    const [instance] = await sql<{ id: string }>(`select id from instance where name = ?`, [name]);
    await evaluateInstances(db().database.orm.em.fork(), [instance!.id], start);
    await deliverDue(await pool(), adapters(), start);
    // The job runs fine again: that trouble is over, so the silence below is trouble of its own.
    const fixedAt = new Date(start.getTime() + 60_000);
    expect(await push(token, fixedAt, buildSnapshot({ sentAt: fixedAt, seq: fixedAt.getTime(), cronJobs: 1 }))).toBe(202);
    await evaluateInstances(db().database.orm.em.fork(), [instance!.id], fixedAt);
    await deliverDue(await pool(), adapters(), fixedAt);
    const quietAt = new Date(start.getTime() + 20 * 60_000);
    await evaluateStale(db().database.orm.em.fork(), quietAt, {});
    await deliverDue(await pool(), adapters(), quietAt);

    const posts = discord.callsTo('POST /channels/:id/messages').filter((c) => c.path === `/channels/${where.channelId}/messages` && c.body.embeds);
    // The warning is the first contact's message: the job was failing when it connected.
    const warning = posts.find((c) => c.body.embeds[0].title.includes('vps-role connected: 1 problem'))!;
    const critical = posts.find((c) => c.body.embeds[0].title.includes('stopped syncing'))!;
    expect(critical.body.content).toBe(`<@&${ROLE}>`);
    expect(critical.body.allowed_mentions).toEqual({ parse: [], roles: [ROLE] });
    expect(warning.body.content).toBeUndefined();
    expect(warning.body.allowed_mentions).toEqual({ parse: [] });
    // The role's id in a cron name is text, escaped: only the subscription's mention ever pings.
    expect(JSON.stringify(warning.body.embeds)).toContain('\\\\@everyone \\\\<\\\\@&');

    const remindAt = new Date(quietAt.getTime() + 2 * 3600_000);
    await enqueueReminders(db().database.orm.em.fork(), remindAt, 3600);
    await deliverDue(await pool(), adapters(), remindAt);
    const backAt = new Date(remindAt.getTime() + 60_000);
    expect(await push(token, backAt)).toBe(202);
    await evaluateStale(db().database.orm.em.fork(), backAt, {});
    await deliverDue(await pool(), adapters(), backAt);
    const later = discord.calls.filter((c) => c.at >= 0 && c.path.startsWith(`/channels/${where.channelId}/messages`) && c !== critical && c !== warning && !c.body?.embeds?.[0]?.title?.includes('cron job failed'));
    const replies = later.filter((c) => c.method === 'POST' && c.body.message_reference);
    expect(replies.map((c) => c.body.content)).toEqual(expect.arrayContaining([expect.stringMatching(/^Still open after 2 h: last sync/), expect.stringMatching(/^Resolved: /)]));
    for (const call of replies) {
      expect(call.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
      expect(call.body.content).not.toMatch(/(?<!\\)<@&/);
    }
    const edit = later.find((c) => c.method === 'PATCH')!;
    expect(edit.body.embeds[0].title).toContain('resolved');
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
  });
});
