import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyDecisions } from '../../bot/events/event-store.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { addInstance, pushSnapshot, seedUsage, signedIn, startDashboardApp, type DashboardApp, TestBrowser } from '../support/dashboard.ts';
import { buildSnapshot, MODELS } from '../support/snapshot-factory.ts';

const NOW = new Date('2026-11-21T12:30:00.000Z');
const HOUR = 3_600_000;
const DAY = 86_400_000;

describeStorage('dashboard pages', (db) => {
  let app: DashboardApp;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  const ids: Record<string, string> = {};
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const env = () => ({ env: { DATABASE_URL: db().url } });

  beforeAll(async () => {
    app = await startDashboardApp(db(), { now: NOW });
    // alpha: healthy, spending; bravo: gateway down; charlie: stale; delta: paused; echo: never synced.
    for (const name of ['alpha', 'bravo', 'charlie', 'delta', 'echo']) {
      const added = await addInstance(db(), name);
      ids[name] = added.id;
      if (name === 'echo') continue;
      const sentAt = name === 'charlie' ? new Date(NOW.getTime() - 2 * HOUR) : new Date(NOW.getTime() - 60_000);
      app.setNow(sentAt);
      await pushSnapshot(
        app,
        added.token,
        buildSnapshot(
          { sentAt, hours: 3, cronJobs: name === 'alpha' ? 3 : 1 },
          name === 'bravo'
            ? { gateway: { version: '2026.9.6', storage: 'sqlite', live: false, checkedAt: sentAt.toISOString() } }
            : name === 'alpha'
              ? {
                  cron: [
                    { id: 'j1', name: 'nightly report', enabled: true, schedule: { kind: 'cron', expr: '0 3 * * *', tz: 'UTC' }, lastRunAt: new Date(NOW.getTime() - 9 * HOUR).toISOString(), lastStatus: 'ok', consecutiveErrors: 0, nextRunAt: new Date(NOW.getTime() + 14 * HOUR).toISOString() },
                    { id: 'j2', name: 'inbox sweep', enabled: true, schedule: { kind: 'every', everyMs: 900_000 }, lastRunAt: new Date(NOW.getTime() - 5 * 60_000).toISOString(), lastStatus: 'error', lastErrorReason: 'rate_limit', consecutiveErrors: 3 },
                  ],
                }
              : {},
        ),
      );
    }
    app.setNow(NOW);
    await cli(['instance', 'pause', 'delta'], env());
    const em = db().database.orm.em.fork();
    await applyDecisions(em, ids.bravo!, 'gateway-down', [{ action: 'open', key: 'gateway', summary: 'gateway not live', details: { live: false } }], new Date(NOW.getTime() - 30 * 60_000));
    await applyDecisions(em, ids.charlie!, 'stale', [{ action: 'open', key: 'agent', summary: 'no snapshot for 2 h', details: { silentMinutes: 120 } }], new Date(NOW.getTime() - 60 * 60_000));
    // Spend: today's so far on top of the snapshot's, and seven earlier days at $2 an hour.
    const today = new Date(Math.floor(NOW.getTime() / DAY) * DAY);
    await seedUsage(db(), ids.alpha!, Array.from({ length: 7 }, (_, d) => Array.from({ length: 13 }, (_, h) => ({ hour: new Date(today.getTime() - (d + 1) * DAY + h * HOUR), model: MODELS[0]!, costUsd: 2 }))).flat());
    admin = await signedIn(app, db(), { role: 'admin' });
    viewer = await signedIn(app, db(), { role: 'viewer' });
  });
  afterAll(() => app.close());

  const row = (html: string, name: string) => {
    const match = new RegExp(`<tr data-instance="${name}" data-state="([a-z-]+)">([\\s\\S]*?)</tr>`).exec(html);
    if (!match) throw new Error(`no row for ${name}`);
    return { state: match[1], cells: match[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim() };
  };

  it('lists every instance with its state, last sync, interval, spend against its usual, open events, cron health and versions', async () => {
    const page = await viewer.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(row(page.text, 'alpha')).toEqual({ state: 'ok', cells: expect.stringMatching(/^alpha ok 1 min ago 5 min \$\d+\.\d\d \/ usual \$26\.00 .* 0 1 ok · 1 failing 0\.1\.0 2026\.9\.6$/) });
    expect(row(page.text, 'bravo').state).toBe('gateway-down');
    expect(row(page.text, 'bravo').cells).toContain('gateway down');
    expect(row(page.text, 'charlie').state).toBe('stale');
    expect(row(page.text, 'charlie').cells).toContain('2 h ago');
    expect(row(page.text, 'delta').state).toBe('paused');
    expect(row(page.text, 'echo')).toEqual({ state: 'never-synced', cells: expect.stringContaining('never synced never') });
    // The exact time is on hover.
    expect(page.text).toContain('title="2026-11-21 12:29 UTC"');
  });

  it('puts the totals on top: spend today, month to date and open events', async () => {
    const page = await admin.get('/');
    const [today] = await sql<{ usd: number }>(`select sum(cost_usd)::float8 as usd from usage_hourly where hour >= '2026-11-21'`);
    const [month] = await sql<{ usd: number }>(`select sum(cost_usd)::float8 as usd from usage_hourly where hour >= '2026-11-01'`);
    expect(page.text).toContain(`<span class="figure" data-total="spend-today">$${today!.usd.toFixed(2)}</span>`);
    expect(page.text).toContain(`<span class="figure" data-total="month-to-date">$${month!.usd.toFixed(2)}</span>`);
    expect(page.text).toContain('<span class="figure" data-total="open-events">2</span>');
    expect(page.text).toMatch(/Updated <time[^>]*data-updated>/);
  });

  it('filters by state and name and sorts problems first, without JavaScript (a GET form)', async () => {
    const order = (html: string) => [...html.matchAll(/<tr data-instance="([a-z]+)"/g)].map((m) => m[1]);
    expect(order((await viewer.get('/')).text)).toEqual(['charlie', 'bravo', 'alpha', 'delta', 'echo']);
    expect(order((await viewer.get('/?sort=name')).text)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    expect(order((await viewer.get('/?state=gateway-down')).text)).toEqual(['bravo']);
    expect(order((await viewer.get('/?name=LPH')).text)).toEqual(['alpha']);
    expect((await viewer.get('/?state=paused&name=zzz')).text).toContain('No instance matches this filter.');
  });

  it('shows an instance: spend per day by model, tokens and errors per hour, runs per model, cron jobs in words, events, syncs and tokens', async () => {
    const page = await viewer.get('/instances/alpha');
    expect(page.status).toBe(200);
    const text = page.text;
    expect(text).toContain('<figure class="chart" data-chart="spend"');
    expect(text).toContain('<script type="application/json" id="chart-spend">');
    // The table under the chart is its text alternative: a day of the seeded week at 13 hours × $2.
    expect(text).toMatch(/<tr><th scope="row">2026-11-18<\/th><td class="num">\$26\.00<\/td>/);
    expect(text).toContain('aria-label="Spend per day over 30 days: $');
    expect(text).toContain('Tokens and errors per hour over 48 hours:');
    expect(text).toContain(`<th scope="row">${MODELS[0]}</th>`);
    expect(text).toContain('daily at 03:00 UTC');
    expect(text).toContain('every 15 min');
    expect(text).toContain('error: rate_limit');
    expect(text).toContain('(3 in a row)');
    expect(text).toMatch(/<span class="run run-error" title="2026-11-21 12:25 UTC: error">/);
    expect(text).toContain('1 snapshot received');
    expect(text).toMatch(/<code>dcs_[A-Za-z0-9]+…<\/code>/);
    expect(text).toContain('Bind</dt><dd>loopback');
  });

  it('shows the event timeline: opened, acked by whom, resolved and how long it lasted', async () => {
    const em = db().database.orm.em.fork();
    await applyDecisions(em, ids.bravo!, 'security', [{ action: 'open', key: 'bind', summary: 'gateway bind left loopback (0.0.0.0)', details: { bind: '0.0.0.0' } }], new Date(NOW.getTime() - 5 * HOUR));
    await applyDecisions(em, ids.bravo!, 'security', [{ action: 'resolve', key: 'bind', summary: 'bind is loopback again', details: {} }], new Date(NOW.getTime() - 3 * HOUR));
    await sql(`update event set state = 'acked', acked_by = 'slack:UBOB', acked_at = ? where instance_id = ? and kind = 'gateway-down'`, [new Date(NOW.getTime() - 20 * 60_000), ids.bravo]);
    const text = (await viewer.get('/instances/bravo')).text;
    expect(text).toContain('acked by slack:UBOB');
    expect(text).toMatch(/gateway bind left loopback \(0\.0\.0\.0\)[\s\S]*restored/);
    expect(text).toContain('2 h</td>');
    expect(text).toContain('30 min so far');
  });

  it('lists events, open first, filtered by kind and instance, with their figures', async () => {
    const all = (await viewer.get('/events')).text;
    expect(all).toContain('2 open, 1 resolved');
    expect(all).toContain('<span class="muted">silentMinutes</span> 120');
    const stale = (await viewer.get('/events?kind=stale')).text;
    expect(stale).toContain('data-kind="stale"');
    expect(stale).not.toContain('data-kind="gateway-down"');
    const bravo = (await viewer.get('/events?instance=bravo')).text;
    expect(bravo).not.toContain('data-kind="stale"');
    expect(bravo).toContain('data-kind="security"');
  });

  it('shows the audit log to admins only', async () => {
    const audit = await admin.get('/audit');
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('<code>instance.paused</code>');
    expect(audit.text).toContain('<code>dashboard.signed_in</code>');
    const refused = await viewer.get('/audit');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Only DeepClaw admins can read the audit log.');
    expect((await viewer.get('/')).text).not.toContain('href="/audit"');
  });

  it("answers another workspace's instance with a 404, exactly as a missing one", async () => {
    await cli(['workspace', 'create', 'other'], env());
    await addInstance(db(), 'secret-box', 'other');
    const theirs = await admin.get('/instances/secret-box');
    const missing = await admin.get('/instances/no-such-box');
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(theirs.text.replace(/secret-box/g, 'X')).toBe(missing.text.replace(/no-such-box/g, 'X'));
    expect((await admin.get('/')).text).not.toContain('secret-box');
    expect((await admin.get('/events?instance=secret-box')).text).not.toContain('data-event=');
  });

  it('escapes hostile instance, cron job and model names everywhere', async () => {
    const hostile = await addInstance(db(), 'hostile');
    // Names are validated on the way in; this one arrives as if an older release had let it through.
    await sql(`update instance set name = ? where id = ?`, ['<img src=x onerror=alert(1)>', hostile.id]);
    const sentAt = new Date(NOW.getTime() - 60_000);
    app.setNow(sentAt);
    await pushSnapshot(app, hostile.token, buildSnapshot({ sentAt, models: ['evil/"><script>alert(2)</script>'] }, { cron: [{ id: 'x', name: '</td><script>alert(3)</script>', enabled: true, schedule: { kind: 'cron', expr: '<b>* * * * *</b>' }, consecutiveErrors: 0 }] }));
    app.setNow(NOW);
    const fleet = (await admin.get('/')).text;
    expect(fleet).not.toContain('<img src=x');
    expect(fleet).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const page = await admin.get(`/instances/${encodeURIComponent('<img src=x onerror=alert(1)>')}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script>alert|<img src=x|<b>\*/);
    expect(page.text).toContain('&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    // In the chart data the model name is JSON with `<` escaped, so it cannot close the element.
    expect(page.text).toContain('evil/\\">\\u003cscript>alert(2)\\u003c/script>');
  });
});
