import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { recordingAdapter, type Call } from '../../test/support/recording-adapter.ts';
import { evaluateStale } from '../events/evaluate-stale.ts';
import { deliverDue } from './deliver.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describeStorage('grouped stale alerts', (db) => {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const env = () => ({ env: { DATABASE_URL: db().url } });
  let workspaces = 0;

  /**
   * A workspace subscribed on its own platform (so other tests' alerts never reach this adapter),
   * with instances that last synced at the given times; each goes stale 10 min later
   * (5 min interval + 5 min grace).
   */
  async function workspace(lastSyncs: Record<string, Date>) {
    const name = `team-${++workspaces}`;
    await cli(['workspace', 'create', name], env());
    const [ws] = await sql<{ id: string }>('select id from workspace where name = ?', [name]);
    const platform = `grouping-${workspaces}`;
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, ?, 'C-OPS', now(), 'test')`, [
      ws!.id,
      platform,
    ]);
    const ids: Record<string, string> = {};
    for (const [instance, lastSync] of Object.entries(lastSyncs)) {
      await cli(['instance', 'add', instance, '--workspace', name], env());
      const [row] = await sql<{ id: string }>('select id from instance where name = ?', [instance]);
      ids[instance] = row!.id;
      await sync(row!.id, lastSync);
    }
    const adapter = recordingAdapter(platform);
    const deliver = async (now: Date) => {
      await deliverDue(await db().database.orm.em.getConnection().getNativeClient(), new Map([[platform, adapter]]), now);
      return adapter.calls.splice(0);
    };
    return { ids, deliver };
  }

  async function sync(instanceId: string, when: Date) {
    await sql(
      `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                   agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
       values (?, ?, 1, gen_random_uuid(), ?, 0, '0.1.0', 300, '{}', '{}', '{}', '', false)
       on conflict (instance_id) do update set last_seen_at = excluded.last_seen_at`,
      [instanceId, when, when],
    );
  }

  const evaluate = (now: Date) => evaluateStale(db().database.orm.em.fork(), now, {});
  const posts = (calls: Call[]) => calls.filter((c) => c.call === 'post').map((c) => (c.call === 'post' ? c.message.title : ''));
  const tenMinutesBefore = (seconds: number) => at(seconds - 600);

  it('alerts five instances that go stale in the same minute as one group', async () => {
    const names = ['edge-1', 'edge-2', 'edge-3', 'edge-4', 'edge-5'];
    const { deliver } = await workspace(Object.fromEntries(names.map((n, i) => [n, tenMinutesBefore(-30 + i * 5)])));
    await evaluate(at(1));
    const calls = await deliver(at(1));
    // One message, already listing all five: no edits follow for the members that joined as it formed.
    expect(calls).toHaveLength(1);
    expect(posts(calls)).toEqual(['🔴 5 instances stopped syncing within a minute']);
    expect(calls[0]).toMatchObject({
      message: {
        summary: 'Likely a shared network or provider problem rather than separate failures.',
        fields: expect.arrayContaining([{ label: 'Silent', value: 'edge-1, edge-2, edge-3, edge-4, edge-5' }]),
      },
    });
  });

  it('keeps separate pages for two instances, and for stale moments more than a minute apart', async () => {
    const { deliver } = await workspace({ 'solo-1': tenMinutesBefore(0), 'solo-2': tenMinutesBefore(0), 'late-1': tenMinutesBefore(90) });
    await evaluate(at(1));
    expect(posts(await deliver(at(1))).sort()).toEqual(['🔴 solo-1: stopped syncing', '🔴 solo-2: stopped syncing']);
    await evaluate(at(91));
    expect(posts(await deliver(at(91)))).toEqual(['🔴 late-1: stopped syncing']);
  });

  it('never groups instances of different workspaces', async () => {
    const a = await workspace({ 'a-1': tenMinutesBefore(0), 'a-2': tenMinutesBefore(0) });
    const b = await workspace({ 'b-1': tenMinutesBefore(0), 'b-2': tenMinutesBefore(0) });
    await evaluate(at(1));
    expect(posts(await a.deliver(at(1)))).toHaveLength(2);
    expect(posts(await b.deliver(at(1)))).toHaveLength(2);
  });

  it('folds a third stale instance within the minute into a group, and later ones into the same alert', async () => {
    const { deliver } = await workspace({
      'west-1': tenMinutesBefore(0),
      'west-2': tenMinutesBefore(0),
      'west-3': tenMinutesBefore(40),
      'west-4': tenMinutesBefore(80),
    });
    await evaluate(at(1));
    expect(posts(await deliver(at(1)))).toHaveLength(2);
    await evaluate(at(41));
    // The first two were already paged; the group still lists them, so the channel sees the whole picture.
    const grouped = await deliver(at(41));
    expect(posts(grouped)).toEqual(['🔴 3 instances stopped syncing within a minute']);
    await evaluate(at(81));
    const joined = await deliver(at(81));
    expect(posts(joined)).toEqual([]);
    expect(joined).toEqual([
      {
        call: 'update',
        ref: { channel: 'C-OPS', ts: '3' },
        message: expect.objectContaining({ title: '🔴 4 instances stopped syncing within a minute' }),
      },
    ]);
  });

  it('edits the grouped alert as members recover, and resolves it when the last one does', async () => {
    const names = ['east-1', 'east-2', 'east-3'];
    const { ids, deliver } = await workspace(Object.fromEntries(names.map((n) => [n, tenMinutesBefore(0)])));
    await evaluate(at(1));
    expect(posts(await deliver(at(1)))).toEqual(['🔴 3 instances stopped syncing within a minute']);
    await sync(ids['east-2']!, at(300));
    await evaluate(at(301));
    expect(await deliver(at(301))).toEqual([
      {
        call: 'update',
        ref: { channel: 'C-OPS', ts: '1' },
        message: expect.objectContaining({
          fields: expect.arrayContaining([
            { label: 'Silent', value: 'east-1, east-3' },
            { label: 'Syncing again', value: 'east-2' },
          ]),
        }),
      },
    ]);
    await sync(ids['east-1']!, at(600));
    await sync(ids['east-3']!, at(600));
    await evaluate(at(601));
    const calls = await deliver(at(601));
    expect(calls.at(-2)).toMatchObject({ call: 'update', message: { title: '✅ 3 instances stopped syncing within a minute — resolved', severity: 'resolved' } });
    expect(calls.at(-1)).toEqual({ call: 'reply', ref: { channel: 'C-OPS', ts: '1' }, text: 'Resolved: All 3 are syncing again, the last 10 min after this alert.' });
    expect(posts(calls)).toEqual([]);
  });
});
