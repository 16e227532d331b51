import type { Pool } from 'pg';
import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { ALICE_AT_CLI } from '../../test/support/personas.ts';
import { recordingAdapter } from '../../test/support/recording-adapter.ts';
import { applyDecisions } from '../events/event-store.ts';
import { itemText, type Message } from '../messages/message.ts';
import { deliverDue } from '../notifications/deliver.ts';
import { subscribeChannel } from '../subscriptions/subscriptions.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { setWorkspaceTimeZone } from '../workspaces/time-zone.ts';
import { setChannelDigest } from './channel-digest.ts';
import { queueDueDigests } from './digest-job.ts';

/** Thursday 3 Dec 2026, 09:00 in Berlin (08:00 UTC): Wednesday's daily digest is due. */
const DUE = new Date('2026-12-03T08:00:00Z');
/** Wednesday in Berlin: 2 Dec 00:00 to 3 Dec 00:00 local = 1 Dec 23:00 to 2 Dec 23:00 UTC. */
const WEDNESDAY = new Date('2026-12-01T23:00:00Z');
/** When the channel asked for its digest: Wednesday noon, after that day's 09:00. */
const ASKED = new Date('2026-12-02T11:00:00Z');
const hoursAfter = (start: Date, hours: number) => new Date(start.getTime() + hours * 3600_000);

describeStorage('daily digests', (db) => {
  const em = () => db().database.orm.em.fork();
  const pool = async (): Promise<Pool> => db().database.orm.em.getConnection().getNativeClient();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  let counter = 0;

  /** Usage as ingest stores it: one (instance, hour, model) bucket. */
  async function spent(instanceId: string, hour: Date, model: string, costUsd: number) {
    await sql(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       values (?, ?, ?, 1, 100, 100, 0, 0, ?, 0, 0, ?)`,
      [instanceId, hour, model, costUsd, hour],
    );
  }

  /** A workspace in Berlin with two instances, a seeded week, and a channel asking for a digest. */
  async function seededWeek(options: { skipQuiet?: boolean; quiet?: boolean } = {}) {
    const n = ++counter;
    const env = { env: { DATABASE_URL: db().url } };
    const name = `digest-${n}`;
    await cli(['workspace', 'create', name], env);
    for (const instance of ['api', 'batch']) await cli(['instance', 'add', `${instance}-${n}`, '--workspace', name], env);
    const instances = await sql<{ id: string; name: string }>(`select i.id, i.name from instance i join workspace w on w.id = i.workspace_id where w.name = ? order by i.name`, [name]);
    const [api, batch] = instances as unknown as [{ id: string }, { id: string }];
    const workspace = await findWorkspace(em(), name);
    await setWorkspaceTimeZone(em(), { workspace, timeZone: 'Europe/Berlin', actor: ALICE_AT_CLI, now: WEDNESDAY });
    const channel = { platform: 'recording', channelId: `C-DIGEST-${n}` };
    await subscribeChannel(em(), { workspace, channel, kinds: null, actor: ALICE_AT_CLI, now: WEDNESDAY });
    await setChannelDigest(em(), { workspace, channel, schedule: { cadence: 'daily', minuteOfDay: 9 * 60, skipQuiet: options.skipQuiet ?? false }, actor: ALICE_AT_CLI, now: ASKED });
    // The seven days before Wednesday: api spends $4 a day, batch $1; the 1st of December is this month.
    for (let day = 1; day <= 7; day++) {
      const start = new Date(WEDNESDAY.getTime() - day * 86_400_000);
      await spent(api.id, hoursAfter(start, 10), 'anthropic/claude-sonnet-4', 4);
      await spent(batch.id, hoursAfter(start, 3), 'openai/gpt-5-mini', 1);
    }
    if (options.quiet) {
      await spent(api.id, hoursAfter(WEDNESDAY, 10), 'anthropic/claude-sonnet-4', 4);
      await spent(batch.id, hoursAfter(WEDNESDAY, 3), 'openai/gpt-5-mini', 1);
      return { channel, api, batch, workspace };
    }
    // Wednesday: api spends $10 (2.5x its usual), batch its usual $1, on two models.
    await spent(api.id, hoursAfter(WEDNESDAY, 10), 'anthropic/claude-sonnet-4', 7);
    await spent(api.id, hoursAfter(WEDNESDAY, 11), 'openai/gpt-5', 3);
    await spent(batch.id, hoursAfter(WEDNESDAY, 3), 'openai/gpt-5-mini', 1);
    // Cron: api's nightly ran ok; batch's export failed in the night and its report was missed.
    await sql(
      `insert into cron_job (instance_id, job_id, name, enabled, schedule, last_run_at, last_status, consecutive_errors, seq, updated_at) values
         (?, 'nightly', 'nightly', true, '{"kind":"cron"}', ?, 'ok', 0, 1, ?),
         (?, 'export', 'export', true, '{"kind":"cron"}', ?, 'error', 1, 1, ?)`,
      [api.id, hoursAfter(WEDNESDAY, 2), DUE, batch.id, hoursAfter(WEDNESDAY, 4), DUE],
    );
    await applyDecisions(em(), batch.id, 'cron-failed', [{ action: 'open', key: 'export', summary: 'cron job "export" failed (timeout)', details: {} }], hoursAfter(WEDNESDAY, 4));
    await applyDecisions(em(), batch.id, 'cron-missed', [{ action: 'open', key: 'report', summary: 'cron job "report" missed', details: {} }], hoursAfter(WEDNESDAY, 6));
    // api went quiet for 25 minutes at 15:00 and came back; batch stopped syncing at 22:00 (Berlin).
    await applyDecisions(em(), api.id, 'stale', [{ action: 'open', key: 'agent', summary: 'last sync 17 min ago', details: {} }], hoursAfter(WEDNESDAY, 15));
    await applyDecisions(em(), api.id, 'stale', [{ action: 'resolve', key: 'agent', summary: 'syncing again', details: {} }], new Date(hoursAfter(WEDNESDAY, 15).getTime() + 25 * 60_000));
    await applyDecisions(em(), batch.id, 'stale', [{ action: 'open', key: 'agent', summary: 'last sync 17 min ago', details: {} }], hoursAfter(WEDNESDAY, 22));
    return { channel, api, batch, workspace };
  }

  /** Digests queued for one channel (the job serves every workspace of the shared test database). */
  const queuedFor = async (channelId: string) =>
    (await sql<{ n: number }>(`select count(*)::int as n from notification n join subscription s on s.id = n.subscription_id where s.channel_id = ? and n.action = 'notice'`, [channelId]))[0]!.n;
  const posted = (adapter: ReturnType<typeof recordingAdapter>, channelId: string) =>
    adapter.calls.flatMap((c) => (c.call === 'post' && c.channelId === channelId ? [c.message as Message] : []));
  const lines = (message: Message) => message.blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(itemText) : b.kind === 'text' || b.kind === 'note' ? [b.text] : []));

  it("tells Wednesday's story at 09:00 Berlin: spend against the usual, top models, month to date, cron jobs, events with durations, who is not syncing", async () => {
    const { channel } = await seededWeek();
    // 08:59 Berlin: not due yet.
    await queueDueDigests(em(), new Date(DUE.getTime() - 60_000));
    expect(await queuedFor(channel.channelId)).toBe(0);
    await queueDueDigests(em(), DUE);
    expect(await queuedFor(channel.channelId)).toBe(1);
    const adapter = recordingAdapter();
    await deliverDue(await pool(), new Map([['recording', adapter]]), DUE);
    const [digest] = posted(adapter, channel.channelId);
    const n = counter;
    expect(digest!.title).toBe(`🗞️ Daily digest of workspace "digest-${n}": Wed 2 Dec 2026`);
    expect(lines(digest!)).toEqual([
      'Spent $11.00 (usual $5.00). 4 events. 1 instance not syncing.',
      'Spend per instance, against its usual day:',
      `⚠️ api-${n}: $10.00 (usual $4.00, +150%); month to date $14.00`,
      `batch-${n}: $1.00 (usual $1.00, +0%); month to date $2.00`,
      'Top models: anthropic/claude-sonnet-4 $7.00, openai/gpt-5 $3.00, openai/gpt-5-mini $1.00',
      'Cron jobs: 1 ran ok, 1 failed, 1 missed',
      `batch-${n}: 1 failed, 1 missed`,
      'Events: 4 opened, 1 resolved',
      `🔴 batch-${n}: stopped syncing, opened 22:00, still open (11 h)`,
      `🟠 batch-${n}: cron job failed, opened 04:00, still open (29 h)`,
      `🟠 batch-${n}: cron job missed, opened 06:00, still open (27 h)`,
      `✅ api-${n}: stopped syncing, opened 15:00, resolved after 25 min`,
      'Not syncing now:',
      `batch-${n}: no snapshot stored`,
      'Times in Europe/Berlin. /deepclaw digest off stops this digest.',
    ]);
  });

  it('is queued and sent once per period, with two workers queueing and delivering at once, and again the next day', async () => {
    const { channel } = await seededWeek();
    await Promise.all([queueDueDigests(em(), DUE), queueDueDigests(em(), DUE), queueDueDigests(em(), new Date(DUE.getTime() + 60_000))]);
    expect(await queuedFor(channel.channelId)).toBe(1);
    const [worker1, worker2] = [recordingAdapter(), recordingAdapter()];
    await Promise.all([deliverDue(await pool(), new Map([['recording', worker1]]), DUE), deliverDue(await pool(), new Map([['recording', worker2]]), DUE)]);
    expect(posted(worker1, channel.channelId).length + posted(worker2, channel.channelId).length).toBe(1);
    // A restart later that day queues nothing more; the next morning is the next period.
    await queueDueDigests(em(), hoursAfter(DUE, 6));
    expect(await queuedFor(channel.channelId)).toBe(1);
    await queueDueDigests(em(), hoursAfter(DUE, 24));
    expect(await queuedFor(channel.channelId)).toBe(2);
    expect(await sql(`select period from digest_period p join subscription s on s.id = p.subscription_id where s.channel_id = ? order by period`, [channel.channelId])).toEqual([
      { period: '2026-12-03' },
      { period: '2026-12-04' },
    ]);
  });

  it('skips a quiet day only for a channel that asked to, and says "all quiet" otherwise', async () => {
    const skipping = await seededWeek({ quiet: true, skipQuiet: true });
    await queueDueDigests(em(), DUE);
    const adapter = recordingAdapter();
    await deliverDue(await pool(), new Map([['recording', adapter]]), DUE);
    expect(posted(adapter, skipping.channel.channelId)).toEqual([]);
    expect(await queuedFor(skipping.channel.channelId)).toBe(0);
    // Recorded as skipped, so later minutes do not gather it again.
    expect(await sql(`select p.skipped from digest_period p join subscription s on s.id = p.subscription_id where s.channel_id = ?`, [skipping.channel.channelId])).toEqual([{ skipped: true }]);

    const telling = await seededWeek({ quiet: true });
    await queueDueDigests(em(), DUE);
    expect(await queuedFor(telling.channel.channelId)).toBe(1);
    await deliverDue(await pool(), new Map([['recording', adapter]]), DUE);
    expect(lines(posted(adapter, telling.channel.channelId)[0]!)[0]).toBe('All quiet: no events, every instance syncing. Spent $5.00 (usual $5.00).');
  });

  it('sends no digest for a period that was due before the channel asked for one', async () => {
    const { channel, workspace } = await seededWeek();
    await setChannelDigest(em(), { workspace, channel, schedule: { cadence: 'daily', minuteOfDay: 8 * 60, skipQuiet: false }, actor: ALICE_AT_CLI, now: DUE });
    await queueDueDigests(em(), hoursAfter(DUE, 1));
    expect(await queuedFor(channel.channelId)).toBe(0);
    await queueDueDigests(em(), hoursAfter(DUE, 24));
    expect(await queuedFor(channel.channelId)).toBe(1);
  });
});
