import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { minutesAfter } from '../../test/support/personas.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import type { EventChange } from './event-store.ts';
import { instancesJob } from './instances-job.ts';

describeStorage('the per-instance evaluation tick', (db) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1000 });
  });
  afterAll(() => app.close());
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  /** Sends `snapshot` as its agent would, at `at` on the service's clock; it must be accepted. */
  const pushSnapshot = async (token: string, snapshot: ReturnType<typeof buildSnapshot>, at: Date) => {
    app.setNow(at);
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(snapshot),
    });
    expect(response.status).toBe(202);
  };

  it('judges instances that synced, and keeps judging an open error spike as time moves on without snapshots', async () => {
    const { token } = (await cli(['instance', 'add', 'spiky', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const [instance] = await sql<{ id: string }>("select id from instance where name = 'spiky'");
    const changes: EventChange[] = [];
    const job = instancesJob(db().database.orm, { tickSeconds: 5, onChanges: (batch) => changes.push(...batch) });
    const at = new Date('2026-11-21T12:10:00Z');
    const failing = buildSnapshot({ sentAt: at, hours: 1 });
    failing.usage = failing.usage.map((bucket) => ({ ...bucket, runs: 40, errors: 30 }));
    failing.gateway = { ...failing.gateway, live: false };
    await pushSnapshot(token, failing, at);
    await job.run(new Date(at.getTime() + 1000));
    const spiky = (list: EventChange[]) => list.filter((c) => c.instanceId === instance!.id).map((c) => `${c.change} ${c.kind}`).sort();
    expect(spiky(changes)).toEqual(['opened error-spike', 'opened gateway-down']);

    // Two hours on, nothing synced since: the errors left the last hour, the gateway is still down.
    changes.length = 0;
    await job.run(minutesAfter(at, 120));
    expect(spiky(changes)).toEqual(['resolved error-spike']);
    const open = await sql<{ kind: string }>("select kind from event where instance_id = ? and state <> 'resolved'", [instance!.id]);
    expect(open.map((row) => row.kind)).toEqual(['gateway-down']);
  });

  it('keeps judging an open budget event without snapshots, and resolves it when the month turns', async () => {
    const env = { env: { DATABASE_URL: db().url } };
    const { token } = (await cli(['instance', 'add', 'pricey', '--json'], env)).json();
    await cli(['threshold', 'set', 'budget.monthly', '5', '--instance', 'pricey'], env);
    const [instance] = await sql<{ id: string }>("select id from instance where name = 'pricey'");
    const changes: EventChange[] = [];
    const job = instancesJob(db().database.orm, { tickSeconds: 5, onChanges: (batch) => changes.push(...batch) });
    const pricey = () => changes.filter((c) => c.instanceId === instance!.id).map((c) => `${c.change} ${c.kind} ${c.key}`);
    const at = new Date('2026-12-31T22:10:00Z');
    await pushSnapshot(token, buildSnapshot({ sentAt: at, hours: 3 }), at); // $6.66 over three hours
    await job.run(new Date(at.getTime() + 1000));
    expect(pricey()).toEqual(['opened budget passed']);
    // Nothing synced since; past midnight UTC, December's budget event is over.
    changes.length = 0;
    await job.run(new Date('2026-12-31T23:55:00Z'));
    expect(pricey()).toEqual([]);
    await job.run(new Date('2027-01-01T00:00:05Z'));
    expect(pricey()).toEqual(['resolved budget passed']);
  });

  it('judges an instance whose agent syncs every few seconds at most once a minute, and then on its newest snapshot', async () => {
    const { token } = (await cli(['instance', 'add', 'chatty', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const [instance] = await sql<{ id: string }>("select id from instance where name = 'chatty'");
    const changes: EventChange[] = [];
    const job = instancesJob(db().database.orm, { tickSeconds: 5, onChanges: (batch) => changes.push(...batch) });
    const chatty = () => changes.filter((c) => c.instanceId === instance!.id).map((c) => `${c.change} ${c.kind}`);
    const push = async (sentAt: Date, seq: number, errors: number) => {
      const snapshot = buildSnapshot({ sentAt, hours: 1, seq });
      snapshot.usage = snapshot.usage.map((bucket) => ({ ...bucket, runs: 40, errors }));
      await pushSnapshot(token, snapshot, sentAt);
      return snapshot;
    };
    const at = new Date('2026-11-22T12:10:00Z');
    const seconds = (n: number) => new Date(at.getTime() + n * 1000);

    await push(at, 1, 0);
    await job.run(seconds(1));
    expect(chatty()).toEqual([]);

    // Errors start 5 s later; the instance was judged 4 s ago, so this run leaves it waiting.
    await push(seconds(5), 2, 30);
    await job.run(seconds(6));
    const newest = await push(seconds(10), 3, 35);
    await job.run(seconds(11));
    expect(chatty()).toEqual([]);

    // A minute after it was judged, it is judged again, on what it sent last.
    await job.run(seconds(61));
    expect(chatty()).toEqual(['opened error-spike']);
    const [spike] = await sql<{ details: { recentErrors: number } }>("select details from event where instance_id = ? and kind = 'error-spike'", [instance!.id]);
    expect(spike!.details.recentErrors).toBe(newest.usage.reduce((sum, bucket) => sum + bucket.errors, 0));
  });
});

