import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { evaluateStale } from './evaluate-stale.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describeStorage('stale evaluation over the fleet', (db) => {
  const em = () => db().database.orm.em.fork();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  /** An instance whose newest snapshot arrived `minutes` ago (no snapshot at all when undefined). */
  async function instance(name: string, minutes?: number, options: { interval?: number; paused?: boolean } = {}): Promise<string> {
    await cli(['instance', 'add', name], { env: { DATABASE_URL: db().url } });
    if (options.paused) await cli(['instance', 'pause', name], { env: { DATABASE_URL: db().url } });
    const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    if (minutes !== undefined) {
      await sql(
        `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                     agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
         values (?, ?, 1, gen_random_uuid(), ?, 0, '0.1.0', ?, '{}', '{}', '{}', '', false)`,
        [row!.id, minutesAgo(minutes), minutesAgo(minutes), options.interval ?? 300],
      );
    }
    return row!.id;
  }
  const staleEvents = (id: string) => sql<{ state: string; summary: string; resolve_summary: string | null }>("select state, summary, resolve_summary from event where instance_id = ? and kind = 'stale' order by opened_at", [id]);

  it('opens for silent instances only, never for one that never synced or is paused', async () => {
    const fresh = await instance('fresh', 3);
    const silent = await instance('silent', 17);
    const never = await instance('never');
    const paused = await instance('paused', 60, { paused: true });
    const changes = await evaluateStale(em(), NOW, {});
    expect(changes.map((c) => c.instanceId)).toEqual([silent]);
    expect(await staleEvents(silent)).toEqual([{ state: 'open', summary: 'last sync 17 min ago, expected every 5 min', resolve_summary: null }]);
    for (const id of [fresh, never, paused]) expect(await staleEvents(id)).toEqual([]);
  });

  it('does not open twice on the next tick, and resolves once the instance syncs again', async () => {
    const id = await instance('flaky-net', 30);
    await evaluateStale(em(), NOW, {});
    expect(await evaluateStale(em(), new Date(NOW.getTime() + 5000), {})).toEqual([]);
    await sql('update instance_state set last_seen_at = ? where instance_id = ?', [NOW, id]);
    const [change] = await evaluateStale(em(), new Date(NOW.getTime() + 10_000), {});
    expect(change).toMatchObject({ instanceId: id, change: 'resolved', summary: 'syncing again after 30 min of silence' });
  });

  it('honours a stale.grace threshold set for one instance', async () => {
    const id = await instance('watched-closely', 7);
    await cli(['threshold', 'set', 'stale.grace', '1m', '--instance', 'watched-closely'], { env: { DATABASE_URL: db().url } });
    expect(await evaluateStale(em(), NOW, {})).toContainEqual(expect.objectContaining({ instanceId: id, change: 'opened' }));
  });

  it('honours a grace override for every instance', async () => {
    const id = await instance('tight', 6);
    expect(await evaluateStale(em(), NOW, {})).not.toContainEqual(expect.objectContaining({ instanceId: id }));
    expect(await evaluateStale(em(), NOW, { graceSeconds: 30 })).toContainEqual(expect.objectContaining({ instanceId: id, change: 'opened' }));
  });
});
