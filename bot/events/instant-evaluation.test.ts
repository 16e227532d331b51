import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import type { EventChange } from './event-store.ts';
import { InstantEvaluator } from './instant-evaluation.ts';

describeStorage('evaluation right after ingest', (db) => {
  let app: RunningApp;
  let evaluator: InstantEvaluator;
  const seen: EventChange[] = [];
  const marked: string[] = [];
  beforeAll(async () => {
    evaluator = new InstantEvaluator(db().database.orm, { debounceMs: 10, onChanges: (changes) => seen.push(...changes), onError: (error) => { throw error; } });
    app = await startTestApp(db(), { rateLimitBurst: 100 }, {
      onSnapshotWorthEvaluating: (id) => {
        marked.push(id);
        evaluator.mark(id);
      },
    });
  });
  afterAll(async () => {
    await app.close();
    await evaluator.stop();
  });

  it('opens gateway-down as soon as the snapshot saying so is stored, and resolves it on the next one, without a tick', async () => {
    const { token } = (await cli(['instance', 'add', 'instant', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const post = (live: boolean, seq: number) => {
      const snapshot = buildSnapshot({ seq, sentAt: new Date(Date.now() + seq) });
      snapshot.gateway = { ...snapshot.gateway, live };
      return fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(snapshot) });
    };
    expect((await post(false, 1)).status).toBe(202);
    await expect.poll(() => seen.map((c) => `${c.change} ${c.kind}`), { timeout: 5000 }).toContain('opened gateway-down');
    expect((await post(true, 2)).status).toBe(202);
    await expect.poll(() => seen.map((c) => `${c.change} ${c.kind}`), { timeout: 5000 }).toContain('resolved gateway-down');
  });

  it('evaluates at once only the snapshots that change what a snapshot rule reads, or come from a new or stale instance', async () => {
    const { token } = (await cli(['instance', 'add', 'steady', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const sentAt = new Date();
    const post = (seq: number, change: (snapshot: ReturnType<typeof buildSnapshot>) => void = () => {}) => {
      // The same sentAt keeps the cron list (its times derive from it) as it was.
      const snapshot = buildSnapshot({ seq, sentAt });
      snapshot.gateway = { ...snapshot.gateway, uptimeMs: 1000 * seq, checkedAt: new Date(sentAt.getTime() + seq * 1000).toISOString() };
      change(snapshot);
      return fetch(`${app.base}/v1/snapshots`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(snapshot) });
    };
    const before = marked.length;
    const timesMarked = () => marked.length - before;
    expect((await post(1)).status).toBe(202);
    expect(timesMarked()).toBe(1); // its first state
    expect((await post(2)).status).toBe(202);
    expect(timesMarked()).toBe(1); // only uptime and checkedAt moved
    expect((await post(3, (s) => (s.gateway.failing = ['config-reload']))).status).toBe(202);
    expect(timesMarked()).toBe(2);
    expect((await post(4, (s) => (s.gateway.failing = ['config-reload'], s.security.bind = 'lan'))).status).toBe(202);
    expect(timesMarked()).toBe(3);
    expect((await post(5, (s) => (s.gateway.failing = ['config-reload'], s.security.bind = 'lan', (s.cron[0]!.lastStatus = 'error')))).status).toBe(202);
    expect(timesMarked()).toBe(4);
  });
});
