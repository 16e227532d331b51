/**
 * Slack end to end: signed requests into the running Koa app, through the real Bolt SDK, to the
 * command core and the database; Slack's side is a fake Web API on loopback that records every
 * call, and nock refuses any other network.
 */
import { Writable } from 'node:stream';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatPlatforms, type ChatPlatforms } from '../../adapters/chat-platforms.ts';
import { signSlackRequest } from '../../adapters/slack/verify-signature.ts';
import { DeliveryError } from '../../bot/chat/chat-adapter.ts';
import { loadConfig } from '../../bot/config.ts';
import { evaluateInstances } from '../../bot/events/evaluate-instances.ts';
import { evaluateStale } from '../../bot/events/evaluate-stale.ts';
import { enqueueReminders } from '../../bot/notifications/reminders.ts';
import { createLogger } from '../../bot/logger.ts';
import { message, text } from '../../bot/messages/message.ts';
import { deliverDue } from '../../bot/notifications/deliver.ts';
import { queueRotationFollowUps } from '../../bot/tokens/rotation-follow-ups.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.ts';
import { startTestApp, type RunningApp } from '../support/ingest-app.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';

const SIGNING_SECRET = 'e3b0c44298fc1c149afbf4c8996fb924';
const BOT_TOKEN = 'xoxb-1111-2222-testbottoken';
const TEAM = 'T0TEAM';
const TOKEN = /dcs_[0-9A-Za-z]{49}/;

/** Slack people: a workspace admin, an ordinary member, and a member named in DEEPCLAW_ADMINS. */
const BOB = { id: 'U0BOB', name: 'bob' };
const MALLORY = { id: 'U0MALLORY', name: 'mallory' };
const CAROL = { id: 'U0CAROL', name: 'carol' };

describeStorage('Slack end to end', (db) => {
  let slack: FakeSlack;
  let platforms: ChatPlatforms;
  let app: RunningApp;
  let now = new Date();
  let channels = 0;
  const logs: string[] = [];

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    slack = await startFakeSlack();
    slack.admins.add(BOB.id);
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DEEPCLAW_ADMINS: `slack:${CAROL.id}`,
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
    await slack?.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  /** POSTs a signed Slack request (signature by default valid for `now`), then waits for the listener. */
  async function sendSigned(rawBody: string, contentType: string, options: { secret?: string; timestamp?: number; signature?: string } = {}) {
    const timestamp = options.timestamp ?? Math.floor(now.getTime() / 1000);
    const signature = options.signature ?? signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, rawBody);
    const response = await fetch(`${app.base}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
      body: rawBody,
    });
    await platforms.settled();
    return { status: response.status, body: await response.text(), signature, timestamp };
  }

  /** A `/deepclaw …` slash command as Slack sends it; returns its response_url id too. */
  function slashCommand(user: { id: string; name: string }, channel: string, text: string) {
    const responseUrl = slack.responseUrl();
    const rawBody = new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: TEAM,
      team_domain: 'acme',
      channel_id: channel,
      channel_name: 'ops',
      user_id: user.id,
      user_name: user.name,
      command: '/deepclaw',
      text,
      api_app_id: 'A0DEEPCLAW',
      response_url: responseUrl,
      trigger_id: '1.2.3',
    }).toString();
    return { rawBody, responseId: responseUrl.split('/').pop()! };
  }

  async function command(user: { id: string; name: string }, channel: string, text: string) {
    const { rawBody, responseId } = slashCommand(user, channel, text);
    const answer = await sendSigned(rawBody, 'application/x-www-form-urlencoded');
    return { ...answer, responses: slack.responses.filter((r) => r.id === responseId).map((r) => r.body) };
  }

  /** Everything a response or an API call would show a person, as one string. */
  const shown = (value: unknown) => JSON.stringify(value);

  async function linkedChannel(): Promise<string> {
    const channel = `C0OPS${++channels}`;
    const workspace = `acme-${channels}`;
    await cli(['workspace', 'create', workspace], { env: { DATABASE_URL: db().url } });
    const { code } = (await cli(['link-code', '--workspace', workspace, '--json'], { env: { DATABASE_URL: db().url } })).json<{ code: string }>();
    now = new Date();
    // Each test is its own Slack team, so links do not move between tests.
    await sql(`delete from chat_link where platform = 'slack'`);
    const linked = await command(BOB, channel, `link ${code}`);
    expect(linked.responses).toEqual([expect.objectContaining({ response_type: 'in_channel' })]);
    return channel;
  }

  async function push(token: string, sentAt: Date) {
    app.setNow(sentAt);
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(buildSnapshot({ sentAt, seq: sentAt.getTime() })),
    });
    return response.status;
  }

  it('lets no request leave loopback', async () => {
    await expect(fetch('https://slack.com/api/auth.test')).rejects.toThrow();
  });

  it('answers a signed slash command through response_url, privately', async () => {
    const channel = await linkedChannel();
    const answer = await command(MALLORY, channel, 'help');
    expect(answer.status).toBe(200);
    expect(answer.responses).toEqual([expect.objectContaining({ response_type: 'ephemeral' })]);
    expect(shown(answer.responses)).toContain('/deepclaw rotate-token &lt;instance&gt; [--grace 15m]');
    expect(slack.calls('users.info').map((c) => c.args.user)).toContain(MALLORY.id);
    expect(slack.calls('users.info').every((c) => c.token === BOT_TOKEN)).toBe(true);
  });

  it('refuses forged, stale and replayed signatures with 401, and does nothing', async () => {
    const channel = await linkedChannel();
    const before = { responses: slack.responses.length, api: slack.apiCalls.length, audit: await sql('select count(*)::int as n from audit_log') };
    const forged = slashCommand(BOB, channel, 'add forged-vps');
    expect((await sendSigned(forged.rawBody, 'application/x-www-form-urlencoded', { secret: 'not-the-signing-secret-00000000' })).status).toBe(401);
    const stale = slashCommand(BOB, channel, 'add stale-vps');
    expect((await sendSigned(stale.rawBody, 'application/x-www-form-urlencoded', { timestamp: Math.floor(now.getTime() / 1000) - 6 * 60 })).status).toBe(401);
    const unsigned = await fetch(`${app.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: forged.rawBody });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ error: 'invalid_signature', message: 'the Slack signature is missing, stale or wrong' });
    expect({ responses: slack.responses.length, api: slack.apiCalls.length, audit: await sql('select count(*)::int as n from audit_log') }).toEqual(before);
    expect(await sql(`select name from instance where name in ('forged-vps', 'stale-vps')`)).toEqual([]);

    const genuine = slashCommand(BOB, channel, 'add replayed-vps');
    const first = await sendSigned(genuine.rawBody, 'application/x-www-form-urlencoded');
    expect(first.status).toBe(200);
    const replay = await sendSigned(genuine.rawBody, 'application/x-www-form-urlencoded', { timestamp: first.timestamp, signature: first.signature });
    expect(replay.status).toBe(401);
    expect(JSON.parse(replay.body)).toMatchObject({ error: 'replayed_request' });
    expect(slack.responses.filter((r) => r.id === genuine.responseId)).toHaveLength(2); // the token privately, the note publicly: once
    expect(await sql(`select count(*)::int as n from instance where name = 'replayed-vps'`)).toEqual([{ n: 1 }]);
  });

  it('refuses a correctly signed request of a content type Slack never sends with 415, and does nothing', async () => {
    const channel = await linkedChannel();
    const before = { responses: slack.responses.length, audit: await sql('select count(*)::int as n from audit_log') };
    const { rawBody } = slashCommand(BOB, channel, 'add plain-text-vps');
    const answer = await sendSigned(rawBody, 'text/plain');
    expect(answer.status).toBe(415);
    await platforms.settled?.();
    expect(slack.responses.length).toBe(before.responses);
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(before.audit);
    expect(await sql("select count(*)::int as n from instance where name = 'plain-text-vps'")).toEqual([{ n: 0 }]);
  });

  it("answers Slack's URL verification and SSL check, signed like everything else", async () => {
    const challenge = await sendSigned(JSON.stringify({ type: 'url_verification', token: 'legacy', challenge: 'c-123' }), 'application/json');
    expect(challenge).toMatchObject({ status: 200 });
    expect(JSON.parse(challenge.body)).toEqual({ challenge: 'c-123' });
    expect(await sendSigned('ssl_check=1&token=legacy', 'application/x-www-form-urlencoded')).toMatchObject({ status: 200, body: '' });
    const forged = await sendSigned(JSON.stringify({ type: 'url_verification', challenge: 'c-124' }), 'application/json', { secret: 'wrong-secret-000000000000000000' });
    expect(forged.status).toBe(401);
  });

  it('refuses a non-admin rotate-token and leaves the token working', async () => {
    const channel = await linkedChannel();
    const added = await command(BOB, channel, 'add vps-quiet');
    const token = shown(added.responses).match(TOKEN)![0];
    const refused = await command(MALLORY, channel, 'rotate-token vps-quiet');
    expect(refused.responses).toEqual([expect.objectContaining({ response_type: 'ephemeral' })]);
    expect(shown(refused.responses)).toContain('Sorry, only DeepClaw admins can rotate sync tokens');
    expect(await push(token, new Date())).toBe(202);
  });

  it('rotates for an admin: the token only in the ephemeral reply, the old one refused, a follow-up after the new one syncs', async () => {
    const channel = await linkedChannel();
    const added = await command(BOB, channel, 'add vps-rotate');
    const oldToken = shown(added.responses.find((r) => r.response_type === 'ephemeral')).match(TOKEN)![0];
    expect(shown(added.responses.find((r) => r.response_type === 'in_channel'))).not.toMatch(/dcs_/);
    expect(shown(added.responses)).toContain('curl -fsSLO https://deepclaw.example.com/agent/deepclaw-agent.mjs');

    const callsBefore = slack.apiCalls.length;
    const rotated = await command(BOB, channel, 'rotate-token vps-rotate');
    const [privately, publicly] = rotated.responses;
    expect(privately).toMatchObject({ response_type: 'ephemeral' });
    const newToken = shown(privately).match(TOKEN)![0];
    expect(newToken).not.toBe(oldToken);
    expect(publicly).toMatchObject({ response_type: 'in_channel' });
    expect(shown(publicly)).toContain('Sync token of vps-rotate rotated by bob');
    expect(shown(publicly)).not.toContain(newToken);
    // Nothing that reached Slack besides the ephemeral reply carries the token.
    expect(shown(slack.apiCalls.slice(callsBefore))).not.toContain(newToken);
    expect(logs.join('')).not.toContain(newToken);

    expect(await push(oldToken, new Date())).toBe(401);
    // The follow-up is queued in the notification outbox, which posts it.
    const deliverRotationFollowUps = async (now: Date) => {
      const queued = await queueRotationFollowUps(db().database.orm.em.fork(), [...platforms.adapters.keys()], now);
      await deliverDue(await db().database.orm.em.getConnection().getNativeClient(), platforms.adapters, now);
      return queued;
    };
    expect(await deliverRotationFollowUps(new Date())).toMatchObject({ synced: 0 });
    expect(await push(newToken, new Date())).toBe(202);
    expect(await deliverRotationFollowUps(new Date())).toMatchObject({ synced: 1 });
    const followUp = slack.calls('chat.postMessage').at(-1)!;
    expect(followUp.args.channel).toBe(channel);
    expect(followUp.args.text).toMatch(/^✅ vps-rotate synced with its new token at \d\d:\d\d UTC/);
  });

  it('posts a stale alert with buttons to the subscribed channel and edits it in place on recovery', async () => {
    const channel = await linkedChannel();
    const added = await command(BOB, channel, 'add vps-stale');
    const token = shown(added.responses).match(TOKEN)![0];
    const start = new Date();
    expect(await push(token, start)).toBe(202);
    const em = () => db().database.orm.em.fork();
    const pool = await db().database.orm.em.getConnection().getNativeClient();
    const adapters = new Map([['slack', platforms.adapters.get('slack')!]]);

    const quietAt = new Date(start.getTime() + 20 * 60_000);
    await evaluateStale(em(), quietAt, {});
    await deliverDue(pool, adapters, quietAt);
    const alert = slack.calls('chat.postMessage').find((c) => c.args.channel === channel && String(c.args.text).includes('vps-stale: stopped syncing'))!;
    expect(alert).toBeDefined();
    const buttons = alert.args.blocks.find((b: any) => b.type === 'actions').elements;
    expect(buttons.map((b: any) => [b.action_id, b.text.text])).toEqual([
      ['deepclaw_ack', 'Ack'],
      ['deepclaw_mute_1h', 'Mute 1h'],
      ['deepclaw_mute_24h', 'Mute 24h'],
    ]);

    const backAt = new Date(start.getTime() + 25 * 60_000);
    expect(await push(token, backAt)).toBe(202);
    await evaluateStale(em(), backAt, {});
    await deliverDue(pool, adapters, backAt);
    const postedTs = alert ? slack.calls('chat.update').find((c) => c.args.channel === channel) : undefined;
    expect(postedTs?.args.text).toContain('vps-stale: stopped syncing — resolved');
    const reply = slack.calls('chat.postMessage').find((c) => c.args.channel === channel && c.args.thread_ts === postedTs?.args.ts);
    expect(reply?.args.text).toMatch(/^Resolved: /);
  });

  it('answers status for 120 instances with the stale one first and a count of what did not fit, never a silent clip (issue 13)', async () => {
    const channel = await linkedChannel();
    const [workspace] = await sql<{ id: string }>(`select id from workspace where name = ?`, [`acme-${channels}`]);
    await sql(
      `with added as (
         insert into instance (id, workspace_id, name, interval_seconds, created_at)
         select gen_random_uuid(), ?, 'gw-' || lpad(n::text, 3, '0'), 300, now() from generate_series(1, 120) as n returning id
       )
       insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                   agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
       select id, now() - interval '2 minutes', 1, gen_random_uuid(), now(), 0, '0.1.0', 300, '{}', '{}', '{}', '', false from added`,
      [workspace!.id],
    );
    await sql(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at)
       select gen_random_uuid(), id, 'stale', 'agent', 'open', 'quiet', '{}', now() from instance where workspace_id = ? and name = 'gw-110'`,
      [workspace!.id],
    );
    // Gone after the answer: 120 instances going stale in later tests' clocks would group their alerts.
    const status = await command(MALLORY, channel, 'status').finally(() => sql(`delete from instance where workspace_id = ?`, [workspace!.id]));
    const list = status.responses[0]!.blocks.find((b: any) => b.type === 'section' && String(b.text?.text).startsWith('• '));
    expect(list.text.type).toBe('plain_text');
    expect(list.text.text.length).toBeLessThanOrEqual(3000);
    const lines: string[] = list.text.text.split('\n');
    expect(lines[0]).toMatch(/^• 🔴 gw-110: stale/);
    expect(lines.at(-1)).toBe(`• …and ${120 - (lines.length - 1)} more healthy instances`);
    expect(lines.length).toBeLessThan(120);
  });

  it('acks and mutes from the alert buttons, with the same authorization', async () => {
    const channel = await linkedChannel();
    await command(BOB, channel, 'add vps-buttons');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-buttons'`);
    const [event] = await sql<{ id: string }>(
      `insert into event (id, instance_id, kind, key, state, summary, details, opened_at) values (gen_random_uuid(), ?, 'stale', 'agent', 'open', 'quiet', '{}', now()) returning id`,
      [instance!.id],
    );
    const click = (user: { id: string; name: string }, actionId: string) => {
      const payload = {
        type: 'block_actions',
        team: { id: TEAM, domain: 'acme' },
        user: { id: user.id, username: user.name, name: user.name, team_id: TEAM },
        api_app_id: 'A0DEEPCLAW',
        token: 'legacy-verification-token',
        trigger_id: '1.2.3',
        channel: { id: channel, name: 'ops' },
        message: { type: 'message', ts: '1795000000.000100', text: 'alert' },
        container: { type: 'message', message_ts: '1795000000.000100', channel_id: channel },
        response_url: slack.responseUrl(),
        actions: [{ type: 'button', action_id: actionId, block_id: 'deepclaw_alert_actions', value: event!.id, text: { type: 'plain_text', text: 'x' }, action_ts: '1795000001.0' }],
      };
      return sendSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    };
    const mutedUntil = async () => (await sql<{ muted_until: string | null }>(`select muted_until from instance where name = 'vps-buttons'`))[0]!.muted_until;

    expect((await click(MALLORY, 'deepclaw_mute_1h')).status).toBe(200);
    expect(shown(slack.responses.at(-1))).toContain('Sorry, only DeepClaw admins can mute alerts');
    expect(await mutedUntil()).toBeNull();

    await click(CAROL, 'deepclaw_mute_1h');
    expect(new Date((await mutedUntil())!).getTime()).toBe(now.getTime() + 3_600_000);
    const note = slack.calls('chat.postMessage').at(-1)!;
    expect(note.args).toMatchObject({ channel, thread_ts: '1795000000.000100' });
    expect(note.args.text).toContain('carol muted alerts for vps-buttons for 1h');

    await click(MALLORY, 'deepclaw_ack');
    expect(await sql(`select state, acked_by from event where id = ?`, [event!.id])).toEqual([{ state: 'acked', acked_by: `slack:${MALLORY.id}` }]);
  });

  describe('an ack redraws the alert (issue 13)', () => {
    /** A stale alert for a new instance, posted through the outbox to a linked channel. */
    async function postedStaleAlert(name: string) {
      const channel = await linkedChannel();
      const token = shown((await command(BOB, channel, `add ${name}`)).responses).match(TOKEN)![0];
      const start = new Date();
      expect(await push(token, start)).toBe(202);
      const em = () => db().database.orm.em.fork();
      const pool = await db().database.orm.em.getConnection().getNativeClient();
      const adapters = new Map([['slack', platforms.adapters.get('slack')!]]);
      const quietAt = new Date(start.getTime() + 20 * 60_000);
      await evaluateStale(em(), quietAt, {});
      await deliverDue(pool, adapters, quietAt);
      const [open] = await sql<{ event_id: string; message_ref: { channel: string; ts: string } }>(
        `select n.event_id, n.message_ref from notification n join event e on e.id = n.event_id join instance i on i.id = e.instance_id
          where i.name = ? and n.action = 'open' and n.state = 'sent'`,
        [name],
      );
      expect(open).toBeDefined();
      const deliver = (at: Date) => deliverDue(pool, adapters, at);
      return { channel, token, start, quietAt, eventId: open!.event_id, ref: open!.message_ref, deliver };
    }
    const editsOf = (ref: { channel: string; ts: string }) => slack.calls('chat.update').filter((c) => c.args.channel === ref.channel && c.args.ts === ref.ts);
    const buttonsOf = (blocks: any[]) => (blocks.find((b) => b.type === 'actions')?.elements ?? []).map((b: any) => b.action_id);

    it('after the Ack button: who and when in the alert itself, Ack gone, Mute still offered; the thread reply stays', async () => {
      const alert = await postedStaleAlert('vps-ackdraw');
      now = new Date('2026-12-02T14:20:00Z');
      const payload = {
        type: 'block_actions',
        team: { id: TEAM, domain: 'acme' },
        user: { id: MALLORY.id, username: MALLORY.name, name: MALLORY.name, team_id: TEAM },
        api_app_id: 'A0DEEPCLAW',
        token: 'legacy-verification-token',
        trigger_id: '1.2.3',
        channel: { id: alert.channel, name: 'ops' },
        message: { type: 'message', ts: alert.ref.ts, text: 'alert' },
        container: { type: 'message', message_ts: alert.ref.ts, channel_id: alert.channel },
        response_url: slack.responseUrl(),
        actions: [{ type: 'button', action_id: 'deepclaw_ack', block_id: 'deepclaw_alert_actions', value: alert.eventId, text: { type: 'plain_text', text: 'Ack' }, action_ts: '1795000001.0' }],
      };
      await sendSigned(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
      const thread = slack.calls('chat.postMessage').filter((c) => c.args.thread_ts === alert.ref.ts);
      expect(thread.map((c) => c.args.text)).toEqual([expect.stringContaining(`${MALLORY.name} acknowledged vps-ackdraw`)]);
      expect(editsOf(alert.ref)).toEqual([]);

      expect(await alert.deliver(new Date(alert.quietAt.getTime() + 60_000))).toMatchObject({ sent: 1, failed: 0 });
      const [edit] = editsOf(alert.ref);
      expect(buttonsOf(edit!.args.blocks)).toEqual(['deepclaw_mute_1h', 'deepclaw_mute_24h']);
      expect(shown(edit!.args.blocks)).toContain(`Acknowledged: by ${MALLORY.name} at 2026-12-02 14:20 UTC`);
      expect(edit!.args.text).toContain('vps-ackdraw: stopped syncing');
      // The redraw is an edit beside the thread reply, not a second reply.
      expect(slack.calls('chat.postMessage').filter((c) => c.args.thread_ts === alert.ref.ts)).toHaveLength(1);

      // Recovery still resolves the alert in place, after the ack's edit.
      const backAt = new Date(alert.start.getTime() + 25 * 60_000);
      expect(await push(alert.token, backAt)).toBe(202);
      await evaluateStale(db().database.orm.em.fork(), backAt, {});
      await alert.deliver(backAt);
      expect(editsOf(alert.ref).at(-1)!.args.text).toContain('vps-ackdraw: stopped syncing — resolved');
      expect(buttonsOf(editsOf(alert.ref).at(-1)!.args.blocks)).toEqual([]);
    });

    it('after /deepclaw ack typed in the channel, the same redraw; nothing is redrawn once it has resolved', async () => {
      const alert = await postedStaleAlert('vps-acktyped');
      now = new Date();
      await command(CAROL, alert.channel, `ack ${alert.eventId.slice(0, 8)}`);
      await alert.deliver(new Date(alert.quietAt.getTime() + 60_000));
      const [edit] = editsOf(alert.ref);
      expect(buttonsOf(edit!.args.blocks)).toEqual(['deepclaw_mute_1h', 'deepclaw_mute_24h']);
      expect(shown(edit!.args.blocks)).toContain(`Acknowledged: by ${CAROL.name} at`);

      // An ack whose redraw is still queued when the event resolves must not undo the resolve.
      const second = await postedStaleAlert('vps-ackrace');
      await command(CAROL, second.channel, `ack ${second.eventId.slice(0, 8)}`);
      const backAt = new Date(second.start.getTime() + 25 * 60_000);
      expect(await push(second.token, backAt)).toBe(202);
      await evaluateStale(db().database.orm.em.fork(), backAt, {});
      await second.deliver(backAt);
      expect(editsOf(second.ref).map((c) => String(c.args.text).split('\n')[0])).toEqual([expect.stringContaining('— resolved')]);
    });
  });

  it('reports a 429 from Slack to the outbox as retry-after', async () => {
    slack.failNext.set('chat.postMessage', [{ status: 429, retryAfterSeconds: 17 }]);
    const failure = await platforms.adapters
      .get('slack')!
      .post('C0ANY', message('t', text('s')))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ kind: 'retry-after', retryAfterSeconds: 17 });
    slack.failNext.set('chat.postMessage', [{ error: 'channel_not_found' }]);
    await expect(platforms.adapters.get('slack')!.post('C0GONE', message('t', text('s')))).rejects.toMatchObject({
      kind: 'permanent',
      message: 'chat.postMessage: Slack said channel_not_found',
    });
  });

  it('shows model names and reasons with markup characters as typed, never as markup or mentions', async () => {
    const channel = await linkedChannel();
    const added = await command(BOB, channel, 'add vps-escape');
    const token = shown(added.responses).match(TOKEN)![0];
    // Model names may hold anything but spaces; cron job names anything at all.
    const nastyModel = 'evil/<!channel>*bold*_it_`tick`&<@U0BOB>';
    const nastyJob = '<!here> *nightly* `backup` & <https://evil.example|click>';
    const sentAt = new Date();
    app.setNow(sentAt);
    const base = buildSnapshot({ sentAt, seq: sentAt.getTime(), models: [nastyModel], cronJobs: 1 });
    const snapshot = { ...base, cron: [{ ...base.cron[0]!, name: nastyJob, lastStatus: 'error' as const, lastErrorReason: 'rate_limit', consecutiveErrors: 3 }] };
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
    expect(response.status).toBe(202);
    const cost = await command(MALLORY, channel, 'cost vps-escape 1');
    const texts = collectTexts(cost.responses[0]);
    const modelLine = texts.find((t) => t.text.includes('evil/'))!;
    expect(modelLine).toMatchObject({ type: 'plain_text' });
    expect(modelLine.text).toContain('evil/&lt;!channel&gt;*bold*_it_`tick`&amp;&lt;@U0BOB&gt;');
    for (const t of texts) expect(t.text).not.toMatch(/<[!@#h]/);

    const status = await command(MALLORY, channel, 'status vps-escape');
    const statusTexts = collectTexts(status.responses[0]);
    const jobLine = statusTexts.find((t) => t.text.includes('nightly'))!;
    expect(jobLine).toMatchObject({ type: 'plain_text' });
    expect(jobLine.text).toContain('&lt;!here&gt; *nightly* `backup` &amp; &lt;https://evil.example|click&gt;: error (rate_limit), 3 in a row');
    for (const t of statusTexts) expect(t.text).not.toMatch(/<[!@#h]/);
    expect(status.responses[0]!.text).not.toMatch(/<[!@#h]/);
  });

  it('sets, refuses and stops a digest by command: admins only, in a subscribed channel, in the workspace time zone (issue 16)', async () => {
    const channel = await linkedChannel();
    const refused = await command(MALLORY, channel, 'digest daily 09:00');
    expect(shown(refused.responses)).toContain('only DeepClaw admins can set a channel’s digest');
    const bad = await command(BOB, channel, 'digest daily 9am');
    expect(shown(bad.responses)).toContain('\\"9am\\" is not a time of day; use 24-hour HH:MM');
    const elsewhere = await command(BOB, 'C0NOTSUBSCRIBED', 'digest daily 09:00');
    expect(shown(elsewhere.responses)).toContain('This channel does not receive workspace');
    const set = await command(BOB, channel, 'digest weekly mon 09:00 --skip-quiet');
    expect(set.responses).toEqual([expect.objectContaining({ response_type: 'in_channel' })]);
    expect(shown(set.responses)).toContain('This channel gets a digest weekly mon 09:00, skipping quiet ones (UTC)');
    expect(await sql(`select digest_cadence, digest_weekday, digest_minute, digest_skip_quiet from subscription where channel_id = ?`, [channel])).toEqual([
      { digest_cadence: 'weekly', digest_weekday: 1, digest_minute: 540, digest_skip_quiet: true },
    ]);
    const off = await command(BOB, channel, 'digest off');
    expect(shown(off.responses)).toContain('This channel no longer gets a digest');
    expect(await sql(`select digest_cadence from subscription where channel_id = ?`, [channel])).toEqual([{ digest_cadence: null }]);
  });

  it('pings the subscribed user group on a critical opening alert only; warnings, reminders and the resolve ping nobody, and <!here> in a cron name stays text', async () => {
    const channel = await linkedChannel();
    const refused = await command(MALLORY, channel, 'subscribe --mention @here');
    expect(shown(refused.responses)).toContain('only DeepClaw admins can subscribe channels to alerts');
    const handle = await command(BOB, channel, 'subscribe --mention @oncall');
    expect(shown(handle.responses)).toContain('is a handle, and DeepClaw needs the user group');
    const set = await command(BOB, channel, 'subscribe --mention <!subteam^S0ONCALL|@oncall>');
    expect(shown(set.responses)).toContain('Opening critical alerts mention user group S0ONCALL.');
    const added = await command(BOB, channel, 'add vps-mention');
    const token = shown(added.responses).match(TOKEN)![0];

    const start = new Date();
    app.setNow(start);
    const base = buildSnapshot({ sentAt: start, seq: start.getTime(), cronJobs: 1 });
    const snapshot = { ...base, cron: [{ ...base.cron[0]!, name: '<!here> @everyone nightly', lastStatus: 'error' as const, lastErrorReason: 'timeout', consecutiveErrors: 1 }] };
    const pushed = await fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(snapshot) });
    expect(pushed.status).toBe(202);
    const em = () => db().database.orm.em.fork();
    const pool = await db().database.orm.em.getConnection().getNativeClient();
    const adapters = new Map([['slack', platforms.adapters.get('slack')!]]);
    const [{ id } = { id: '' }] = await sql<{ id: string }>(`select id from instance where name = 'vps-mention'`);
    await evaluateInstances(em(), [id], start);
    await deliverDue(pool, adapters, start);
    // The job runs fine again: that trouble is over, so the silence below is trouble of its own.
    const fixedAt = new Date(start.getTime() + 60_000);
    app.setNow(fixedAt);
    const fixed = await fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(buildSnapshot({ sentAt: fixedAt, seq: fixedAt.getTime(), cronJobs: 1 })) });
    expect(fixed.status).toBe(202);
    await evaluateInstances(em(), [id], fixedAt);
    await deliverDue(pool, adapters, fixedAt);
    const quietAt = new Date(start.getTime() + 20 * 60_000);
    await evaluateStale(em(), quietAt, {});
    await deliverDue(pool, adapters, quietAt);

    const posts = slack.calls('chat.postMessage').filter((c) => c.args.channel === channel && !c.args.thread_ts && String(c.args.text).includes('vps-mention'));
    // The warning is the first contact's message: the job was failing when it connected.
    const warning = posts.find((c) => String(c.args.text).includes('vps-mention connected: 1 problem'))!;
    const critical = posts.find((c) => String(c.args.text).includes('stopped syncing'))!;
    expect(critical.args.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '<!subteam^S0ONCALL>' } });
    expect(String(critical.args.text)).toMatch(/^<!subteam\^S0ONCALL> /);
    expect(warning.args.blocks[0].type).toBe('header');
    // The cron name's <!here> is text: escaped wherever it appears, so it pings no one.
    expect(JSON.stringify(warning.args)).toContain('&lt;!here&gt; @everyone nightly');
    expect(JSON.stringify(warning.args)).not.toContain('<!here>');
    expect(JSON.stringify(warning.args)).not.toContain('subteam');

    const remindAt = new Date(quietAt.getTime() + 2 * 3600_000);
    await enqueueReminders(em(), remindAt, 3600);
    await deliverDue(pool, adapters, remindAt);
    const backAt = new Date(remindAt.getTime() + 60_000);
    app.setNow(backAt);
    const back = await fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(buildSnapshot({ sentAt: backAt, seq: backAt.getTime() })) });
    expect(back.status).toBe(202);
    await evaluateStale(em(), backAt, {});
    await deliverDue(pool, adapters, backAt);
    const edit = slack.calls('chat.update').find((c) => c.args.channel === channel && String(c.args.text).includes('stopped syncing — resolved'))!;
    const replies = slack.calls('chat.postMessage').filter((c) => c.args.channel === channel && c.args.thread_ts === edit.args.ts);
    expect(replies.map((c) => String(c.args.text))).toEqual([expect.stringMatching(/^Still open after/), expect.stringMatching(/^Resolved: /)]);
    expect(JSON.stringify(edit.args)).not.toContain('subteam');
    for (const call of [...replies]) expect(JSON.stringify(call.args)).not.toContain('subteam');

    // subscribe again without --mention keeps it; --mention off clears it.
    expect(shown((await command(BOB, channel, 'subscribe stale')).responses)).toContain('mention user group S0ONCALL');
    expect(shown((await command(BOB, channel, 'subscribe --mention off')).responses)).toContain('Alerts mention nobody.');
  });

});

/** Every text object in a Slack payload (blocks, fields, context), with its type. */
function collectTexts(value: unknown, found: { type: string; text: string }[] = []): { type: string; text: string }[] {
  if (Array.isArray(value)) value.forEach((item) => collectTexts(item, found));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ((record.type === 'plain_text' || record.type === 'mrkdwn') && typeof record.text === 'string') found.push({ type: record.type, text: record.text });
    else Object.values(record).forEach((item) => collectTexts(item, found));
  }
  return found;
}
