import type { Pool } from 'pg';
import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { DeliveryError, recordingAdapter, type Call } from '../../test/support/recording-adapter.ts';
import { createLogger } from '../logger.ts';
import { ackEvent, applyDecisions, type EventChange } from '../events/event-store.ts';
import { setMute } from '../events/mutes.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { ALICE_AT_CLI } from '../../test/support/personas.ts';
import { enqueueReminders } from './reminders.ts';
import { backoffSeconds, DEFAULT_DELIVERY, deliverDue } from './deliver.ts';
import { enqueueNotifications } from './enqueue.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describeStorage('notification outbox', (db) => {
  const em = () => db().database.orm.em.fork();
  const pool = async (): Promise<Pool> => db().database.orm.em.getConnection().getNativeClient();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  let counter = 0;

  /** A fresh workspace with one instance and a subscribed channel per platform given. */
  async function setup(channels: { platform: string; channel: string; kinds?: string[]; mutedUntil?: Date }[] = [{ platform: 'recording', channel: 'C-OPS' }]) {
    const n = ++counter;
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', `team-${n}`], env);
    await cli(['instance', 'add', `vps-${n}`, '--workspace', `team-${n}`], env);
    const [row] = await sql<{ id: string; workspace_id: string }>('select id, workspace_id from instance where name = ?', [`vps-${n}`]);
    for (const c of channels) {
      await sql(
        `insert into subscription (id, workspace_id, platform, channel_id, kinds, muted_until, created_at, created_by)
         values (gen_random_uuid(), ?, ?, ?, ?::jsonb, ?, now(), 'test')`,
        [row!.workspace_id, c.platform, c.channel, c.kinds ? JSON.stringify(c.kinds) : null, c.mutedUntil ?? null],
      );
    }
    return { instanceId: row!.id, name: `vps-${n}`, workspace: `team-${n}` };
  }

  /** More instances in a workspace from setup(): a burst of alerts is many instances' (one instance's is one message). */
  async function moreInstances(workspace: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${workspace}-extra-${i}`;
      await cli(['instance', 'add', name, '--workspace', workspace], { env: { DATABASE_URL: db().url } });
      const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
      ids.push(row!.id);
    }
    return ids;
  }

  async function openStale(instanceId: string): Promise<EventChange[]> {
    const changes = await applyDecisions(em(), instanceId, 'stale', [{ action: 'open', key: 'agent', summary: 'last sync 17 min ago, expected every 5 min', details: {} }], NOW);
    await enqueueNotifications(em(), changes, NOW);
    return changes;
  }

  it('posts an alert to each subscribed channel, once', async () => {
    const { instanceId, name } = await setup([
      { platform: 'recording', channel: 'C-OPS' },
      { platform: 'recording', channel: 'C-ONCALL' },
    ]);
    await openStale(instanceId);
    const adapter = recordingAdapter();
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), NOW)).toMatchObject({ sent: 2 });
    expect(adapter.calls.map((c) => c.call === 'post' && c.channelId).sort()).toEqual(['C-ONCALL', 'C-OPS']);
    const first = adapter.calls[0]!;
    expect(first.call === 'post' && first.message).toMatchObject({ title: `🔴 ${name}: stopped syncing`, blocks: expect.arrayContaining([{ kind: 'text', text: 'last sync 17 min ago, expected every 5 min' }]) });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(60))).toMatchObject({ sent: 0 });
  });

  it('skips muted channels and channels that want other kinds', async () => {
    const { instanceId } = await setup([
      { platform: 'recording', channel: 'C-MUTED', mutedUntil: later(3600) },
      { platform: 'recording', channel: 'C-COST', kinds: ['cost-drift'] },
      { platform: 'recording', channel: 'C-STALE', kinds: ['stale'] },
    ]);
    await openStale(instanceId);
    const adapter = recordingAdapter();
    await deliverDue(await pool(), new Map([['recording', adapter]]), NOW);
    expect(adapter.calls.map((c) => c.call === 'post' && c.channelId)).toEqual(['C-STALE']);
  });

  it('edits the original alert on resolve and replies under it', async () => {
    const { instanceId } = await setup();
    await openStale(instanceId);
    const adapter = recordingAdapter();
    await deliverDue(await pool(), new Map([['recording', adapter]]), NOW);
    const changes = await applyDecisions(em(), instanceId, 'stale', [{ action: 'resolve', key: 'agent', summary: 'syncing again after 20 min of silence', details: {} }], later(600));
    await enqueueNotifications(em(), changes, later(600));
    await deliverDue(await pool(), new Map([['recording', adapter]]), later(600));
    expect(adapter.calls.slice(1)).toEqual([
      { call: 'update', ref: { channel: 'C-OPS', ts: '1' }, message: expect.objectContaining({ severity: 'resolved' }) },
      { call: 'reply', ref: { channel: 'C-OPS', ts: '1' }, text: 'Resolved: syncing again after 20 min of silence' },
    ]);
  });

  it("honours the platform's Retry-After, then delivers", async () => {
    const { instanceId } = await setup();
    await openStale(instanceId);
    const adapter = recordingAdapter();
    adapter.failNext.push(new DeliveryError('retry-after', 'rate limited', 30));
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), NOW)).toMatchObject({ retried: 1 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(29))).toMatchObject({ sent: 0 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(30))).toMatchObject({ sent: 1 });
  });

  it('disables a subscription whose channel is gone, with its last error, and stops sending to it', async () => {
    const { instanceId } = await setup([{ platform: 'recording', channel: 'C-GONE' }]);
    await openStale(instanceId);
    const adapter = recordingAdapter();
    adapter.failNext.push(new DeliveryError('permanent', 'channel_not_found'));
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), NOW)).toMatchObject({ failed: 1 });
    const [subscription] = await sql<{ disabled_at: string | null; last_error: string }>("select disabled_at, last_error from subscription where channel_id = 'C-GONE'");
    expect(subscription).toMatchObject({ last_error: 'channel_not_found' });
    expect(subscription!.disabled_at).not.toBeNull();
  });

  it('never stops silently: a disabled channel is logged, and the workspace\'s other channels and the console are told why', async () => {
    const { instanceId } = await setup([
      { platform: 'loud', channel: 'C-REMOVED' },
      { platform: 'loud', channel: 'C-STILL-HERE', kinds: ['cost-drift'] },
      { platform: 'console', channel: 'terminal' },
    ]);
    await openStale(instanceId);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const loud = recordingAdapter('loud');
    const terminal = recordingAdapter('console');
    const adapters = new Map([
      ['loud', loud],
      ['console', terminal],
    ]);
    loud.failNext.push(new DeliveryError('permanent', 'not_in_channel'));
    await deliverDue(await pool(), new Map([['loud', loud]]), NOW, DEFAULT_DELIVERY, logger);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', platform: 'loud', channel: 'C-REMOVED', reason: 'not_in_channel', msg: 'loud:C-REMOVED stopped receiving alerts: not_in_channel' }),
    ]);
    const [subscription] = await sql<{ disabled_at: string; last_error: string }>(`select disabled_at, last_error from subscription where channel_id = 'C-REMOVED'`);
    expect(subscription).toMatchObject({ last_error: 'not_in_channel' });
    expect(new Date(subscription!.disabled_at)).toEqual(NOW);

    // The notice goes to every other channel, whatever kinds it subscribed to; the stale alert still reaches the console.
    await deliverDue(await pool(), adapters, later(1));
    const notice = (calls: Call[]) => calls.find((c) => c.call === 'post' && c.message.title.includes('stopped receiving alerts'));
    expect(notice(loud.calls)).toMatchObject({ channelId: 'C-STILL-HERE', message: { title: '⚠️ loud:C-REMOVED stopped receiving alerts', severity: 'warning' } });
    expect(notice(terminal.calls)).toMatchObject({ channelId: 'terminal', message: { fields: expect.arrayContaining([{ label: 'Reason', value: 'not_in_channel' }]) } });
    expect(loud.calls.filter((c) => c.call === 'post' && c.channelId === 'C-REMOVED')).toEqual([]);

    // One notice per other channel, none to the disabled one.
    expect(await sql(`select s.channel_id from notification n join subscription s on s.id = n.subscription_id where n.action = 'notice' order by 1`)).toEqual([
      { channel_id: 'C-STILL-HERE' },
      { channel_id: 'terminal' },
    ]);
  });

  it('delivers again after a worker died between claiming and sending', async () => {
    const { instanceId } = await setup([{ platform: 'recording', channel: 'C-CRASH' }]);
    await openStale(instanceId);
    // A worker claims the row and dies before sending: simulate by claiming through an adapter that hangs.
    const hanging = recordingAdapter();
    hanging.post = () => new Promise(() => {});
    void deliverDue(await pool(), new Map([['recording', hanging]]), NOW);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const adapter = recordingAdapter();
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(30))).toMatchObject({ sent: 0 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(61))).toMatchObject({ sent: 1 });
  });

  it('sends each notification exactly once when two workers deliver at the same moment', async () => {
    const channels = Array.from({ length: 12 }, (_, i) => ({ platform: 'recording', channel: `C-${i}` }));
    const { instanceId } = await setup(channels);
    await openStale(instanceId);
    const [a, b] = [recordingAdapter(), recordingAdapter()];
    await Promise.all([
      deliverDue(await pool(), new Map([['recording', a]]), NOW, { ...DEFAULT_DELIVERY, batchSize: 5 }),
      deliverDue(await pool(), new Map([['recording', b]]), NOW, { ...DEFAULT_DELIVERY, batchSize: 5 }),
    ]);
    await deliverDue(await pool(), new Map([['recording', a]]), NOW);
    const posted = [...a.calls, ...b.calls].map((c) => c.call === 'post' && c.channelId);
    expect(posted).toHaveLength(12);
    expect(new Set(posted).size).toBe(12);
  });

  it('holds back alerts of a muted instance or workspace, until the mute ends', async () => {
    const { instanceId, name } = await setup([{ platform: 'recording', channel: 'C-HUSH' }]);
    const [workspace] = await sql<{ name: string }>('select w.name from workspace w join instance i on i.workspace_id = w.id where i.id = ?', [instanceId]);
    const mute = async (target: string, until: Date | null) => {
      const fork = em();
      await setMute(fork, { workspace: await findWorkspace(fork, workspace!.name), target, until, actor: ALICE_AT_CLI, now: NOW });
    };
    await mute(name, later(3600));
    await openStale(instanceId);
    const adapter = recordingAdapter();
    await deliverDue(await pool(), new Map([['recording', adapter]]), NOW);
    expect(adapter.calls).toEqual([]);
    await mute(name, null);
    await mute('all', later(3600));
    const changes = await applyDecisions(em(), instanceId, 'cron-failed', [{ action: 'open', key: 'j', summary: 'cron job "j" failed', details: {} }], NOW);
    await enqueueNotifications(em(), changes, NOW);
    await deliverDue(await pool(), new Map([['recording', adapter]]), NOW);
    expect(adapter.calls).toEqual([]);
  });

  it('reminds every interval while an event stays open, and stops once it is acked', async () => {
    const { instanceId } = await setup([{ platform: 'recording', channel: 'C-REMIND' }]);
    const [change] = await openStale(instanceId);
    const adapter = recordingAdapter();
    const delivery = await pool();
    const deliver = (at: Date) => deliverDue(delivery, new Map([['recording', adapter]]), at);
    const hours = (h: number) => later(h * 3600);
    // Other tests' events share this database; count this event's reminders only.
    const remindersAt = async (h: number) => {
      await enqueueReminders(em(), hours(h), 4 * 3600);
      const [row] = await sql<{ n: number }>("select count(*)::int as n from notification where event_id = ? and action = 'reminder'", [change!.eventId]);
      return row!.n;
    };
    await deliver(NOW);
    expect(await remindersAt(3)).toBe(0);
    expect(await remindersAt(4)).toBe(1);
    expect(await remindersAt(4)).toBe(1);
    await deliver(hours(4));
    expect(adapter.calls.at(-1)).toEqual({ call: 'reply', ref: { channel: 'C-REMIND', ts: '1' }, text: 'Still open after 4 h: last sync 17 min ago, expected every 5 min' });
    expect(await remindersAt(7)).toBe(1);
    expect(await remindersAt(8)).toBe(2);
    await deliver(hours(8));
    await ackEvent(em(), change!.eventId, 'slack:U0B0B', hours(9));
    expect(await remindersAt(12)).toBe(2);
  });

  it('sends a burst to one channel a few at a time, the rest on the next runs', async () => {
    const { instanceId, workspace } = await setup([{ platform: 'recording', channel: 'C-BURST' }]);
    const instances = [instanceId, ...(await moreInstances(workspace, 8))];
    for (const [n, id] of instances.entries()) {
      const changes = await applyDecisions(em(), id, 'cron-failed', [{ action: 'open' as const, key: 'k', summary: `cron-failed ${n}`, details: {} }], NOW);
      await enqueueNotifications(em(), changes, NOW);
    }
    const adapter = recordingAdapter();
    const options = { ...DEFAULT_DELIVERY, maxPerChannelPerSecond: 4 };
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), NOW, options)).toMatchObject({ sent: 4, retried: 5 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(0.5), options)).toMatchObject({ sent: 0 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(1), options)).toMatchObject({ sent: 4 });
    expect(await deliverDue(await pool(), new Map([['recording', adapter]]), later(2), options)).toMatchObject({ sent: 1 });
  });

  it("holds a platform to the limits its adapter names: one a second and 20 a minute per group, a forum topic counted into its group", async () => {
    const { instanceId, workspace } = await setup([
      { platform: 'flood', channel: '-100777' },
      { platform: 'flood', channel: '-100777:42' },
    ]);
    for (const [n, id] of [instanceId, ...(await moreInstances(workspace, 11))].entries()) {
      const changes = await applyDecisions(em(), id, 'cron-failed', [{ action: 'open' as const, key: 'k', summary: `job ${n}`, details: {} }], NOW);
      await enqueueNotifications(em(), changes, NOW);
    }
    const adapter = {
      ...recordingAdapter('flood'),
      sendLimits: (channelId: string) => ({ countedAs: channelId.split(':')[0]!, limits: [{ messages: 1, perSeconds: 1 }, { messages: 20, perSeconds: 60 }] }),
    };
    const adapters = new Map([['flood', adapter]]);
    const sentBy = async (seconds: number[]) => {
      let sent = 0;
      for (const second of seconds) sent += (await deliverDue(await pool(), adapters, later(second))).sent;
      return sent;
    };
    // 24 messages for the group (12 to the chat, 12 to its topic): one per second…
    expect(await sentBy([0, 0.5])).toBe(1);
    expect(await sentBy(Array.from({ length: 30 }, (_, i) => 1 + i))).toBe(19);
    // …and no more than 20 in the minute; the minute after, the rest.
    expect(await sentBy([59])).toBe(0);
    expect(await sentBy([60, 61, 62, 63])).toBe(4);
    // Slack-like adapters without limits of their own keep the outbox's default.
    expect(DEFAULT_DELIVERY.maxPerChannelPerSecond).toBe(5);
  });

  it('spreads retries with exponential backoff and jitter', () => {
    expect(backoffSeconds(1, () => 0.5)).toBe(5);
    expect(backoffSeconds(4, () => 0.5)).toBe(40);
    expect(backoffSeconds(30, () => 0.5)).toBe(900);
    expect(backoffSeconds(4, () => 0)).toBe(32);
    expect(backoffSeconds(4, () => 1)).toBe(48);
  });
});
