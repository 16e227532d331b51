import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import type { Snapshot } from '../../ingest/contract.ts';
import { evaluateInstances } from './evaluate-instances.ts';

describeStorage('evaluating an instance from its stored snapshots', (db) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1000 });
  });
  afterAll(() => app.close());
  const em = () => db().database.orm.em.fork();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  let counter = 0;

  async function instanceWithToken() {
    const name = `eval-${++counter}`;
    const { token } = (await cli(['instance', 'add', name, '--json'], { env: { DATABASE_URL: db().url } })).json();
    const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    return { name, token, id: row!.id };
  }
  const post = (token: string, snapshot: Snapshot) =>
    fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(snapshot) });

  it('opens gateway-down, cron-failed and security events from a bad snapshot, and resolves them from a good one', async () => {
    const { token, id } = await instanceWithToken();
    const now = new Date();
    const bad = buildSnapshot({ seq: 1, sentAt: now, cronJobs: 2 });
    bad.gateway = { ...bad.gateway, live: false };
    bad.cron[0] = { ...bad.cron[0]!, lastStatus: 'error', lastErrorReason: 'rate_limit', consecutiveErrors: 2 };
    bad.security = { ...bad.security, bind: 'lan', authMode: 'none' };
    expect((await post(token, bad)).status).toBe(202);
    const opened = await evaluateInstances(em(), [id], now);
    expect(opened.map((c) => `${c.change} ${c.kind} ${c.key}`).sort()).toEqual([
      'opened cron-failed job-1',
      'opened gateway-down gateway',
      'opened security auth',
      'opened security bind',
    ]);
    expect(await evaluateInstances(em(), [id], now)).toEqual([]);

    const good = buildSnapshot({ seq: 2, sentAt: new Date(now.getTime() + 60_000), cronJobs: 2 });
    expect((await post(token, good)).status).toBe(202);
    const resolved = await evaluateInstances(em(), [id], new Date(now.getTime() + 60_000));
    expect(resolved.map((c) => `${c.change} ${c.kind}`).sort()).toEqual([
      'resolved cron-failed',
      'resolved gateway-down',
      'resolved security',
      'resolved security',
    ]);
  });

  it('raises nothing for a paused instance', async () => {
    const { name, token, id } = await instanceWithToken();
    await cli(['instance', 'pause', name], { env: { DATABASE_URL: db().url } });
    const bad = buildSnapshot();
    bad.gateway = { ...bad.gateway, live: false };
    await post(token, bad);
    expect(await evaluateInstances(em(), [id], new Date())).toEqual([]);
  });

  it('enqueues a notification for each subscribed channel with the event', async () => {
    const { token, id } = await instanceWithToken();
    const [workspace] = await sql<{ id: string }>("select id from workspace where name = 'default'");
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'recording', 'C-EVAL', now(), 'test') on conflict do nothing`, [workspace!.id]);
    const bad = buildSnapshot();
    bad.gateway = { ...bad.gateway, live: true, ready: false, failing: ['channels'] };
    await post(token, bad);
    const [change] = await evaluateInstances(em(), [id], new Date());
    const rows = await sql<{ action: string; channel_id: string }>(
      'select n.action, s.channel_id from notification n join subscription s on s.id = n.subscription_id where n.event_id = ?',
      [change!.eventId],
    );
    expect(rows).toContainEqual({ action: 'open', channel_id: 'C-EVAL' });
  });

  it('evaluates a batch of instances together, each against its own thresholds', async () => {
    const quiet = await instanceWithToken();
    const loud = await instanceWithToken();
    await cli(['threshold', 'set', 'error-spike.min-errors', '1000', '--instance', quiet.name], { env: { DATABASE_URL: db().url } });
    const now = new Date();
    for (const { token } of [quiet, loud]) {
      const failing = buildSnapshot({ sentAt: now });
      const newest = failing.usage.at(-1)!;
      failing.usage[failing.usage.length - 1] = { ...newest, runs: 40, errors: 30 };
      expect((await post(token, failing)).status).toBe(202);
    }
    const changes = await evaluateInstances(em(), [quiet.id, loud.id], now);
    expect(changes.map((c) => `${c.instanceId === loud.id ? 'loud' : 'quiet'} ${c.change} ${c.kind}`)).toEqual(['loud opened error-spike']);
    expect(changes[0]!.summary).toMatch(/^\d+ of \d+ model calls failed in the last hour/);
  });
});
