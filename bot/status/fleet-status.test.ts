import { expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { applyDecisions } from '../events/event-store.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { fleetStatus, fleetStatusText } from './fleet-status.ts';

const NOW = new Date('2026-11-21T12:00:00Z');

describeStorage('fleet status', (db) => {
  const em = () => db().database.orm.em.fork();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const env = () => ({ env: { DATABASE_URL: db().url } });

  it('says which instances are fine, stale, paused or not yet synced, with open events and spend today', async () => {
    await cli(['workspace', 'create', 'fleet'], env());
    for (const name of ['alpha', 'bravo', 'charlie', 'delta']) await cli(['instance', 'add', name, '--workspace', 'fleet'], env());
    await cli(['instance', 'pause', 'charlie', '--workspace', 'fleet'], env());
    const ids = Object.fromEntries((await sql<{ name: string; id: string }>("select i.name, i.id from instance i join workspace w on w.id = i.workspace_id where w.name = 'fleet'")).map((r) => [r.name, r.id]));
    for (const name of ['alpha', 'bravo', 'charlie']) {
      await sql(
        `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                     agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
         values (?, ?, 1, gen_random_uuid(), ?, 0, '0.1.0', 300, '{}', '{}', '{}', '', false)`,
        [ids[name], new Date(NOW.getTime() - (name === 'bravo' ? 40 : 2) * 60_000), NOW],
      );
    }
    await sql(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       values (?, '2026-11-21T10:00:00Z', 'a/b', 1, 1, 1, 0, 0, 3.5, 0, 0, now()), (?, '2026-11-20T10:00:00Z', 'a/b', 1, 1, 1, 0, 0, 99, 0, 0, now())`,
      [ids.alpha, ids.alpha],
    );
    await applyDecisions(em(), ids.bravo!, 'stale', [{ action: 'open', key: 'agent', summary: 'x', details: {} }], NOW);
    const status = await fleetStatus(em(), await findWorkspace(em(), 'fleet'), NOW);
    expect(status.instances.map((i) => [i.name, i.state, i.openEvents])).toEqual([
      ['alpha', 'ok', 0],
      ['bravo', 'stale', 1],
      ['charlie', 'paused', 0],
      ['delta', 'never-synced', 0],
    ]);
    expect(status.spendTodayUsd).toBe(3.5);
    expect(fleetStatusText(status, NOW)).toBe(
      [
        'Workspace "fleet": 1 ok, 1 stale, 1 paused, 1 never synced; 1 open events; spend today $3.50',
        '🟢 alpha: ok, last sync 2 min ago',
        '🔴 bravo: stale, last sync 40 min ago, 1 open event',
        '⏸ charlie: paused, last sync 2 min ago',
        '⚪ delta: never synced, no snapshot yet',
      ].join('\n'),
    );
  });
});
