import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { NOON, minutesAfter } from '../../test/support/personas.ts';
import { recordingAdapter } from '../../test/support/recording-adapter.ts';
import { applyDecisions } from '../events/event-store.ts';
import type { AlertMessage } from '../messages/alert-message.ts';
import { toTerminalMessage } from '../../adapters/console/terminal-message.ts';
import { holdsSecret, type Reply } from '../messages/message.ts';
import { checkSyncToken } from '../tokens/sync-tokens.ts';
import { queueRotationFollowUps } from '../tokens/rotation-follow-ups.ts';
import { deliverDue } from '../notifications/deliver.ts';
import { runAlertAction, runCommand, type CommandDependencies } from './command-core.ts';
import type { Place, Requester } from './command-request.ts';

const TOKEN = /dcs_[0-9A-Za-z]{49}/;

/** Chat people: a Slack workspace admin, an ordinary member, and a member on the allowlist. */
const BOB_ADMIN: Requester = { platform: 'slack', userId: 'U0B0B', displayName: 'bob', isPlatformAdmin: true };
const MALLORY: Requester = { platform: 'slack', userId: 'U0MAL', displayName: 'mallory', isPlatformAdmin: false };
const CAROL_LISTED: Requester = { platform: 'slack', userId: 'U0CAR', displayName: 'carol', isPlatformAdmin: false };

describeStorage('chat commands', (db) => {
  let now = NOON;
  let team = 0;
  const deps = (): CommandDependencies => ({
    orm: db().database.orm,
    chatAdmins: new Set(['slack:U0CAR']),
    publicUrl: 'https://deepclaw.example.com',
    agentSha256: async () => 'ab'.repeat(32),
    clock: () => now,
  });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const env = () => ({ env: { DATABASE_URL: db().url } });
  const say = (requester: Requester, place: Place, text: string) => runCommand(deps(), { text, requester, place });
  const mutedUntil = async (name: string) => {
    const [row] = await sql<{ muted_until: string | null }>(`select muted_until from instance where name = ?`, [name]);
    return row?.muted_until ? new Date(row.muted_until).getTime() : null;
  };
  const plain = (replies: Reply[], audience: Reply['audience']) => replies.filter((r) => r.audience === audience).map((r) => toTerminalMessage(r.message)).join('\n---\n');

  /** A fresh workspace linked to a fresh Slack team, with its #ops channel subscribed. */
  async function linkedTeam(): Promise<{ place: Place; workspace: string }> {
    const n = ++team;
    const workspace = `team-${n}`;
    await cli(['workspace', 'create', workspace], env());
    const { code } = (await cli(['link-code', '--workspace', workspace, '--json'], env())).json<{ code: string }>();
    const place = { chatId: `T${n}`, channelId: `C-OPS-${n}` };
    now = new Date();
    await say(BOB_ADMIN, place, `link ${code}`);
    return { place, workspace };
  }

  it('tells an unlinked chat how to link, and answers help without a link', async () => {
    const place = { chatId: 'T-NOWHERE', channelId: 'C1' };
    expect(plain(await say(MALLORY, place, 'status'), 'requester')).toContain('not linked to DeepClaw yet');
    expect(plain(await say(MALLORY, place, 'help'), 'requester')).toContain('/deepclaw rotate-token <instance> [--grace 15m]');
  });

  it('links a chat with a one-time code typed by a platform admin, and subscribes the channel', async () => {
    await cli(['workspace', 'create', 'linking'], env());
    const { code } = (await cli(['link-code', '--workspace', 'linking', '--json'], env())).json<{ code: string }>();
    const place = { chatId: 'T-LINK', channelId: 'C-LINK' };
    now = new Date();
    const refused = await say(CAROL_LISTED, place, `link ${code}`);
    expect(plain(refused, 'requester')).toContain('only Slack workspace admins and owners can link this chat');
    const linked = await say(BOB_ADMIN, place, `link ${code}`);
    expect(plain(linked, 'channel')).toContain('Linked to DeepClaw workspace "linking" by bob');
    expect(await sql(`select platform, channel_id from subscription s join workspace w on w.id = s.workspace_id where w.name = 'linking'`)).toEqual([
      { platform: 'slack', channel_id: 'C-LINK' },
    ]);
    expect(plain(await say(BOB_ADMIN, place, `link ${code}`), 'requester')).toContain('unknown, already used or expired');
  });

  it('adds an instance, sending the token and install steps only to the admin', async () => {
    const { place } = await linkedTeam();
    const replies = await say(BOB_ADMIN, place, 'add edge-1 --interval 1m');
    const privately = replies.filter((r) => r.audience === 'requester');
    expect(privately).toHaveLength(1);
    expect(holdsSecret(privately[0]!.message)).toBe(true);
    const text = plain(replies, 'requester');
    expect(text).toMatch(TOKEN);
    expect(text).toContain('curl -fsSLO https://deepclaw.example.com/agent/deepclaw-agent.mjs');
    expect(text).toContain(`echo "${'ab'.repeat(32)}  deepclaw-agent.mjs" | sha256sum -c -`);
    expect(text).toContain('* * * * * DEEPCLAW_API_URL=https://deepclaw.example.com /usr/bin/node $HOME/deepclaw-agent.mjs --interval 1m');
    const publicly = plain(replies, 'channel');
    expect(publicly).toContain('Instance edge-1 added by bob');
    expect(publicly).not.toMatch(/dcs_/);
  });

  it('refuses a non-admin rotate-token and changes nothing', async () => {
    const { place } = await linkedTeam();
    const added = await say(BOB_ADMIN, place, 'add vps-a');
    const token = plain(added, 'requester').match(TOKEN)![0];
    const before = await sql('select count(*)::int as n from audit_log');
    const replies = await say(MALLORY, place, 'rotate-token vps-a');
    expect(replies).toEqual([expect.objectContaining({ audience: 'requester' })]);
    expect(plain(replies, 'requester')).toBe(
      'Not allowed\nSorry, only DeepClaw admins can rotate sync tokens: Slack workspace admins and owners, and people listed in DEEPCLAW_ADMINS. Nothing was changed.',
    );
    expect((await checkSyncToken(db().database.orm.em.fork(), token)).ok).toBe(true);
    expect(await sql('select count(*)::int as n from audit_log')).toEqual(before);
  });

  it('rotates a token for an admin: the token privately, a note publicly, audited with platform and user', async () => {
    const { place } = await linkedTeam();
    const old = plain(await say(BOB_ADMIN, place, 'add vps-b'), 'requester').match(TOKEN)![0];
    const replies = await say(CAROL_LISTED, place, 'rotate-token vps-b');
    const fresh = plain(replies, 'requester').match(TOKEN)![0];
    expect(fresh).not.toBe(old);
    expect(plain(replies, 'channel')).toContain('Sync token of vps-b rotated by carol');
    expect(plain(replies, 'channel')).not.toMatch(/dcs_[0-9A-Za-z]{20}/);
    expect((await checkSyncToken(db().database.orm.em.fork(), old)).ok).toBe(false);
    const [audit] = await sql(`select actor, origin from audit_log where action = 'token.rotated' order by id desc limit 1`);
    expect(audit).toEqual({ actor: 'slack:U0CAR', origin: `slack:${place.chatId}/${place.channelId}` });
  });

  it('follows up in the channel once the instance syncs with the new token, or says what to check', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-c --interval 5m');
    now = NOON;
    await say(BOB_ADMIN, place, 'rotate-token vps-c');
    const adapter = recordingAdapter('slack');
    const adapters = new Map([['slack', adapter]]);
    const em = () => db().database.orm.em.fork();
    // Follow-ups are queued in the notification outbox, which posts them.
    const deliverRotationFollowUps = async (now: Date) => {
      const queued = await queueRotationFollowUps(em(), [...adapters.keys()], now);
      const delivered = await deliverDue(await db().database.orm.em.getConnection().getNativeClient(), adapters, now);
      return { ...queued, failed: delivered.failed };
    };
    expect(await deliverRotationFollowUps(minutesAfter(NOON, 9))).toEqual({ synced: 0, overdue: 0, failed: 0 });
    expect(await deliverRotationFollowUps(minutesAfter(NOON, 10))).toEqual({ synced: 0, overdue: 1, failed: 0 });
    expect(adapter.calls[0]).toMatchObject({ call: 'post', channelId: place.channelId, message: { title: '⚠️ vps-c has not synced with its new token yet (10 min after the rotation)' } });
    expect(adapter.calls[0]!.call === 'post' && (adapter.calls[0]!.message as AlertMessage).summary).toContain('It has never sent a snapshot.');
    await sql(`update sync_token set first_used_at = ? where id = (select token_id from rotation_follow_up f join instance i on i.id = f.instance_id where i.name = 'vps-c')`, [
      minutesAfter(NOON, 12),
    ]);
    expect(await deliverRotationFollowUps(minutesAfter(NOON, 13))).toEqual({ synced: 1, overdue: 0, failed: 0 });
    expect(adapter.calls[1]).toMatchObject({ call: 'post', message: { title: '✅ vps-c synced with its new token at 12:12 UTC' } });
    expect(await deliverRotationFollowUps(minutesAfter(NOON, 20))).toEqual({ synced: 0, overdue: 0, failed: 0 });
  });

  it('answers argument errors with the usage, and unknown instances with close names', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add my-vps');
    expect(plain(await say(BOB_ADMIN, place, 'rotate-token'), 'requester')).toBe(
      'Usage: /deepclaw rotate-token <instance> [--grace 15m]\nThe instance name is missing.\nType /deepclaw help rotate-token for more.',
    );
    expect(plain(await say(BOB_ADMIN, place, 'status my-vsp'), 'requester')).toContain('Did you mean "my-vps"?');
    expect(plain(await say(BOB_ADMIN, place, 'add My VPS'), 'requester')).toContain('Usage: /deepclaw add <name> [--interval 5m]');
  });

  it('mutes and unmutes for admins only, and acks for anyone', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-m');
    expect(plain(await say(MALLORY, place, 'mute vps-m 1h'), 'requester')).toContain('only DeepClaw admins can mute alerts');
    expect(plain(await say(BOB_ADMIN, place, 'mute vps-m 1h'), 'channel')).toContain('bob muted alerts for vps-m for 1h');
    expect(await mutedUntil('vps-m')).toBe(now.getTime() + 3_600_000);
    await say(BOB_ADMIN, place, 'unmute vps-m');
    expect(await mutedUntil('vps-m')).toBeNull();

    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-m'`);
    const [opened] = await applyDecisions(db().database.orm.em.fork(), instance!.id, 'stale', [{ action: 'open', key: 'agent', summary: 'last sync 17 min ago', details: {} }], now);
    const acked = await say(MALLORY, place, `ack ${opened!.eventId.slice(0, 8)}`);
    expect(plain(acked, 'channel')).toContain('mallory acknowledged vps-m: stale');
    expect(plain(await say(MALLORY, place, `ack ${opened!.eventId.slice(0, 8)}`), 'requester')).toContain('already acknowledged by slack:U0MAL');
    const [audit] = await sql(`select action, actor, subject from audit_log where action = 'event.acked' order by id desc limit 1`);
    expect(audit).toEqual({ action: 'event.acked', actor: 'slack:U0MAL', subject: 'vps-m' });
  });

  it('runs the alert buttons with the same rules: ack for anyone, mute for admins', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-btn');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-btn'`);
    const [opened] = await applyDecisions(db().database.orm.em.fork(), instance!.id, 'stale', [{ action: 'open', key: 'agent', summary: 'quiet', details: {} }], now);
    const refused = await runAlertAction(deps(), { action: 'mute-24h', eventId: opened!.eventId, requester: MALLORY, place });
    expect(plain(refused, 'requester')).toContain('only DeepClaw admins can mute alerts');
    expect(await mutedUntil('vps-btn')).toBeNull();
    await runAlertAction(deps(), { action: 'mute-24h', eventId: opened!.eventId, requester: BOB_ADMIN, place });
    expect(await mutedUntil('vps-btn')).toBe(now.getTime() + 86_400_000);
    await runAlertAction(deps(), { action: 'ack', eventId: opened!.eventId, requester: MALLORY, place });
    expect(await sql(`select state, acked_by from event where id = ?`, [opened!.eventId])).toEqual([{ state: 'acked', acked_by: 'slack:U0MAL' }]);
  });

  it("refuses to act on another workspace's event", async () => {
    const first = await linkedTeam();
    const second = await linkedTeam();
    await say(BOB_ADMIN, first.place, 'add vps-x');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-x'`);
    const [opened] = await applyDecisions(db().database.orm.em.fork(), instance!.id, 'stale', [{ action: 'open', key: 'agent', summary: 'quiet', details: {} }], now);
    const replies = await runAlertAction(deps(), { action: 'ack', eventId: opened!.eventId, requester: BOB_ADMIN, place: second.place });
    expect(plain(replies, 'requester')).toContain(`That event is not one of workspace "${second.workspace}"'s`);
    expect(await sql(`select state from event where id = ?`, [opened!.eventId])).toEqual([{ state: 'open' }]);
  });

  it('subscribes a channel to some kinds, and unsubscribes it', async () => {
    const { place } = await linkedTeam();
    const other = { ...place, channelId: 'C-COST' };
    expect(plain(await say(BOB_ADMIN, other, 'subscribe cost-drift error-spike'), 'channel')).toContain('now receives cost-drift, error-spike alerts');
    expect(await sql(`select kinds from subscription where channel_id = 'C-COST'`)).toEqual([{ kinds: ['cost-drift', 'error-spike'] }]);
    expect(plain(await say(BOB_ADMIN, other, 'unsubscribe'), 'channel')).toContain('no longer receives');
    expect(await sql(`select kinds from subscription where channel_id = 'C-COST'`)).toEqual([]);
    expect(plain(await say(BOB_ADMIN, other, 'unsubscribe'), 'requester')).toContain('does not receive');
  });

  it('tells admins, and only admins, in the fleet status which channels stopped receiving alerts and why', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-quiet-channel');
    await sql(`update subscription set disabled_at = ?, last_error = 'channel_not_found' where channel_id = ?`, [now, place.channelId]);
    const forAdmin = plain(await say(CAROL_LISTED, place, 'status'), 'requester');
    expect(forAdmin).toContain('⚠️ 1 channel no longer receives alerts:');
    expect(forAdmin).toMatch(new RegExp(`slack:${place.channelId}, since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: channel_not_found`));
    expect(plain(await say(MALLORY, place, 'status'), 'requester')).not.toContain('no longer receive');
  });

  it('shows the fleet, one instance in detail, instances and spend', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-s');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-s'`);
    const today = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000);
    await sql(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       values (?, ?, 'anthropic/claude-opus-4-6', 1, 1, 1, 0, 0, 12.5, 0, 0, now()), (?, ?, 'openai/<gpt>', 1, 1, 1, 0, 0, 2.5, 0, 0, now())`,
      [instance!.id, today, instance!.id, new Date(today.getTime() - 86_400_000)],
    );
    const fleet = plain(await say(MALLORY, place, 'status'), 'requester');
    expect(fleet).toContain('Instances: 1 never synced');
    expect(fleet).toContain('⚪ vps-s: never synced, no snapshot yet');
    const detail = plain(await say(MALLORY, place, 'status vps-s'), 'requester');
    expect(detail).toContain('Last sync: never (expected every 5m)');
    expect(detail).toContain('Last 7 days: ▁▁▁▁▁▂█ $15.00');
    expect(plain(await say(MALLORY, place, 'instances'), 'requester')).toMatch(/vps-s: every 5m, active, token dcs_\w{6}/);
    const cost = plain(await say(MALLORY, place, 'cost vps-s 2'), 'requester');
    expect(cost).toContain('▂█ $15.00 in 2 days');
    expect(cost).toContain('anthropic/claude-opus-4-6: $12.50 (83%)');
    expect(cost).toContain('openai/<gpt>: $2.50 (17%)');
  });

  it('sets a monthly budget in chat (admins only), and shows month-to-date against it in status and cost', async () => {
    const { place } = await linkedTeam();
    await say(BOB_ADMIN, place, 'add vps-budget');
    await say(BOB_ADMIN, place, 'add vps-free');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-budget'`);
    await sql(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       values (?, date_trunc('month', ?::timestamptz, 'UTC'), 'anthropic/claude-opus-4-6', 1, 1, 1, 0, 0, 123.4, 0, 0, now())`,
      [instance!.id, now],
    );
    expect(plain(await say(MALLORY, place, 'threshold set budget.monthly 200 --instance vps-budget'), 'requester')).toContain('Sorry');
    expect(plain(await say(BOB_ADMIN, place, 'threshold set budget.monthly 200 --instance vps-budget'), 'channel')).toBe(
      '🔧 bob set budget.monthly to $200 for vps-budget\nIt applies from the next evaluation.',
    );
    expect(plain(await say(BOB_ADMIN, place, 'threshold set budget.monthly lots'), 'requester')).toContain('"lots" is not a valid budget.monthly');
    expect(plain(await say(BOB_ADMIN, place, 'threshold list --instance vps-budget'), 'requester')).toContain('budget.monthly: $200 — monthly spend budget per instance; off for none');

    expect(plain(await say(MALLORY, place, 'status'), 'requester')).toContain('vps-budget: never synced, no snapshot yet, $123.40 of $200 this month (62%)');
    expect(plain(await say(MALLORY, place, 'status'), 'requester')).toMatch(/vps-free: never synced, no snapshot yet$/m);
    expect(plain(await say(MALLORY, place, 'status vps-budget'), 'requester')).toContain('Budget: $123.40 of $200 this month (62%)');
    expect(plain(await say(MALLORY, place, 'cost vps-budget'), 'requester')).toContain('Budget: $123.40 of $200 this month (62%)');
    expect(plain(await say(MALLORY, place, 'cost'), 'requester')).toMatch(/Budgets:\n.*vps-budget: \$123\.40 of \$200 this month \(62%\)/);
    expect(plain(await say(MALLORY, place, 'cost vps-free'), 'requester')).not.toContain('Budget');
  });
});
