import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyDecisions } from '../../bot/events/event-store.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { addInstance, pushSnapshot, signedIn, startDashboardApp, type DashboardApp, type TestBrowser } from '../support/dashboard.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';

describeStorage('who sees cost on the dashboard', (db) => {
  let app: DashboardApp;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  const env = () => ({ env: { DATABASE_URL: db().url } });
  const DOLLAR = /\$\d/;

  beforeAll(async () => {
    app = await startDashboardApp(db());
    const vps = await addInstance(db(), 'vps-1');
    await pushSnapshot(app, vps.token, buildSnapshot({ sentAt: new Date(), hours: 6 }));
    await applyDecisions(db().database.orm.em.fork(), vps.id, 'cost-drift', [{ action: 'open', key: 'spend', summary: 'trailing-24h spend $41.20 vs baseline $12.00 (3.4x), driven by anthropic/claude-opus-4-6', details: { trailingUsd: 41.2, baselineUsd: 12, drivers: ['anthropic/claude-opus-4-6'] } }], new Date());
    admin = await signedIn(app, db(), { role: 'admin' });
    viewer = await signedIn(app, db(), { role: 'viewer' });
  });
  afterAll(() => app.close());

  const pages = ['/', '/instances/vps-1', '/events', '/reports'];

  it('shows spend to viewers by default', async () => {
    expect((await cli(['setting', 'list'], env())).stdout).toMatch(/dashboard\.viewers-see-cost\s+on\s+on/);
    for (const path of pages.slice(0, 3)) expect((await viewer.get(path)).text).toMatch(DOLLAR);
    expect((await viewer.get('/reports/spend.csv')).status).toBe(200);
  });

  it('hides every spend figure from viewers when the setting is off — pages, event summaries and exports — and not from admins', async () => {
    const set = await cli(['setting', 'set', 'dashboard.viewers-see-cost', 'off'], env());
    expect(set.stdout).toBe('dashboard.viewers-see-cost is off for workspace "default".\n');
    for (const path of pages) {
      const page = await viewer.get(path);
      expect(page.status).toBe(200);
      expect(page.text).not.toMatch(DOLLAR);
      expect(page.text).not.toContain('data-total="spend-today"');
      expect(page.text).not.toContain('chart-spend');
    }
    expect((await viewer.get('/events')).text).toContain('trailing-24h spend (amount hidden) vs baseline (amount hidden)');
    const spend = await viewer.get('/reports/spend.csv');
    expect(spend.status).toBe(403);
    expect(JSON.parse(spend.text)).toEqual({ error: 'cost_hidden', message: expect.stringContaining('dashboard.viewers-see-cost is off') });
    expect((await viewer.get('/reports/spend.json')).status).toBe(403);
    const events = await viewer.get('/reports/events.json');
    expect(events.text).not.toMatch(DOLLAR);
    expect(events.text).not.toContain('trailingUsd');
    expect((await viewer.get('/reports/events.csv')).text).not.toMatch(DOLLAR);
    expect((await viewer.get('/?sort=spend')).text).not.toContain('value="spend"');
    for (const path of pages.slice(0, 3)) expect((await admin.get(path)).text).toMatch(DOLLAR);
    expect((await admin.get('/reports/spend.csv')).status).toBe(200);
  });

  it('says what a setting takes when given something else, and records each change', async () => {
    const bad = await cli(['setting', 'set', 'dashboard.viewers-see-cost', 'maybe'], env());
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe('deepclaw: dashboard.viewers-see-cost is on or off (got "maybe").\n');
    const unknown = await cli(['setting', 'set', 'dashboard.viewers-see-cots', 'on'], env());
    expect(unknown.stderr).toContain('Did you mean "dashboard.viewers-see-cost"?');
    const audit = await cli(['audit', '--json'], env());
    expect(audit.json().entries.filter((e: { action: string }) => e.action === 'setting.changed')).toEqual([expect.objectContaining({ subject: 'dashboard.viewers-see-cost', actor: 'cli:alice', details: { value: false } })]);
  });
});
