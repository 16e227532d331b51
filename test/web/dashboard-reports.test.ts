import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyDecisions } from '../../bot/events/event-store.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { addInstance, pushSnapshot, seedUsage, signedIn, startDashboardApp, TestBrowser, type DashboardApp } from '../support/dashboard.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';

const DAY = 86_400_000;
const NOW = new Date();
const TODAY = new Date(Math.floor(NOW.getTime() / DAY) * DAY);
const day = (offset: number) => new Date(TODAY.getTime() - offset * DAY).toISOString().slice(0, 10);

describeStorage('dashboard exports and share links', (db) => {
  let app: DashboardApp;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  const env = () => ({ env: { DATABASE_URL: db().url } });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  beforeAll(async () => {
    app = await startDashboardApp(db());
    const one = await addInstance(db(), 'vps-one');
    const two = await addInstance(db(), 'vps-two');
    await pushSnapshot(app, one.token, buildSnapshot({ sentAt: NOW, hours: 1, cronJobs: 1 }, { cron: [{ id: 'j', name: '=HYPERLINK("http://evil")', enabled: true, schedule: { kind: 'cron', expr: '0 3 * * *' }, consecutiveErrors: 0, lastStatus: 'ok', lastRunAt: NOW.toISOString() }] }));
    await sql('delete from usage_hourly');
    await seedUsage(db(), one.id, [
      { hour: new Date(TODAY.getTime() - 2 * DAY + 3_600_000), model: 'anthropic/claude-opus-4-6', costUsd: 4.25, runs: 10, tokens: 5000 },
      { hour: new Date(TODAY.getTime() - 2 * DAY + 7_200_000), model: 'anthropic/claude-opus-4-6', costUsd: 1.75, runs: 2, tokens: 1000 },
      { hour: new Date(TODAY.getTime() - 1 * DAY), model: 'openai/gpt-5.1-mini', costUsd: 0.5, runs: 7, tokens: 700 },
      { hour: new Date(TODAY.getTime() - 40 * DAY), model: 'openai/gpt-5.1-mini', costUsd: 99, runs: 1 },
    ]);
    await seedUsage(db(), two.id, [{ hour: new Date(TODAY.getTime() - 1 * DAY), model: 'anthropic/claude-opus-4-6', costUsd: 3, runs: 4, tokens: 400 }]);
    await applyDecisions(db().database.orm.em.fork(), two.id, 'stale', [{ action: 'open', key: 'agent', summary: 'no snapshot for 20 min, "quoted", and, commas', details: {} }], new Date(TODAY.getTime() - 1 * DAY + 60_000));
    await cli(['workspace', 'create', 'other'], env());
    const theirs = await addInstance(db(), 'their-box', 'other');
    await seedUsage(db(), theirs.id, [{ hour: new Date(TODAY.getTime() - 1 * DAY), model: 'x/y', costUsd: 1000 }]);
    admin = await signedIn(app, db(), { role: 'admin', person: 'slack:UADA' });
    viewer = await signedIn(app, db(), { role: 'viewer' });
  });
  afterAll(() => app.close());

  it('exports daily spend per instance and model as CSV, for the range asked, in the session’s workspace only', async () => {
    const csv = await viewer.get(`/reports/spend.csv?from=${day(30)}&to=${day(0)}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="spend-default-${day(30)}-${day(0)}.csv"`);
    expect(csv.text).toBe(
      [
        'day,instance,model,runs,input_tokens,output_tokens,cost_usd,errors',
        `${day(2)},vps-one,anthropic/claude-opus-4-6,12,6000,0,6,0`,
        `${day(1)},vps-one,openai/gpt-5.1-mini,7,700,0,0.5,0`,
        `${day(1)},vps-two,anthropic/claude-opus-4-6,4,400,0,3,0`,
        '',
      ].join('\r\n'),
    );
    const one = await viewer.get(`/reports/spend.json?from=${day(1)}&to=${day(1)}`);
    expect(JSON.parse(one.text)).toEqual({
      workspace: 'default',
      from: day(1),
      to: day(1),
      rows: [
        { day: day(1), instance: 'vps-one', model: 'openai/gpt-5.1-mini', runs: 7, inputTokens: 700, outputTokens: 0, costUsd: 0.5, errors: 0 },
        { day: day(1), instance: 'vps-two', model: 'anthropic/claude-opus-4-6', runs: 4, inputTokens: 400, outputTokens: 0, costUsd: 3, errors: 0 },
      ],
    });
  });

  it('exports events, quoting what needs quoting', async () => {
    const csv = await viewer.get(`/reports/events.csv?from=${day(7)}&to=${day(0)}`);
    expect(csv.text.split('\r\n')[0]).toBe('id,instance,kind,state,summary,opened_at,acked_by,resolved_at,duration_seconds');
    expect(csv.text).toContain(',vps-two,stale,open,"no snapshot for 20 min, ""quoted"", and, commas",');
    const json = JSON.parse((await viewer.get(`/reports/events.json?from=${day(7)}&to=${day(0)}`)).text);
    expect(json.events).toEqual([expect.objectContaining({ instance: 'vps-two', kind: 'stale', state: 'open' })]);
    expect(JSON.parse((await viewer.get(`/reports/events.json?from=${day(30)}&to=${day(3)}`)).text).events).toEqual([]);
  });

  it('refuses a bad range with a message that says what to send', async () => {
    const backwards = await viewer.get(`/reports/spend.csv?from=${day(0)}&to=${day(5)}`);
    expect(backwards.status).toBe(400);
    expect(JSON.parse(backwards.text).message).toBe(`From (${day(0)}) is after to (${day(5)}).`);
    expect(JSON.parse((await viewer.get('/reports/spend.csv?from=2026-02-30')).text).message).toBe('From must be a day like 2026-11-21 (got "2026-02-30").');
    expect((await new TestBrowser(app.base).get('/reports/spend.csv')).status).toBe(401);
  });

  it('makes a share link (admins only) whose page shows aggregates only, says what it is and when it expires', async () => {
    await admin.get('/reports');
    const refused = await viewer.post('/share-links', { from: day(6), to: day(0), days: '7' });
    expect(refused.status).toBe(403);
    const created = await admin.post('/share-links', { from: day(6), to: day(0), days: '7' });
    expect(created.status).toBe(200);
    const url = /<input class="share-url" type="text" readonly value="([^"]+)"/.exec(created.text)![1]!;
    expect(url).toMatch(/^http:\/\/deepclaw\.test\/shared\/dcr_[A-Za-z0-9_-]{43}$/);
    const path = new URL(url).pathname;
    const shared = await new TestBrowser(app.base).get(path);
    expect(shared.status).toBe(200);
    expect(shared.text).toContain('A read-only report shared from DeepClaw');
    expect(shared.text).toContain(`aggregate spend from ${day(6)} to ${day(0)}`);
    expect(shared.text).toMatch(/This link expires <time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(shared.text).toContain('<span class="figure">$9.50</span> total over 7 days');
    expect(shared.text).toContain('<th scope="row">anthropic/claude-opus-4-6</th><td class="num">16</td><td class="num">$9.00</td>');
    for (const hidden of ['vps-one', 'vps-two', '0.1.0', '2026.9.6', 'HYPERLINK', 'dcs_', 'their-box', 'Sign out']) expect(shared.text).not.toContain(hidden);
    const expiresAt = new Date((await sql<{ expires_at: string }>('select expires_at from share_link'))[0]!.expires_at);
    expect(Math.round((expiresAt.getTime() - Date.now()) / DAY)).toBe(7);
  });

  it('includes instance names, versions and cron job names only when ticked in', async () => {
    const created = await admin.post('/share-links', { from: day(6), to: day(0), days: '90', include: ['instances', 'versions', 'cron'] });
    const path = new URL(/value="(http[^"]+\/shared\/[^"]+)"/.exec(created.text)![1]!).pathname;
    const shared = (await new TestBrowser(app.base).get(path)).text;
    expect(shared).toContain('<th scope="row">vps-one</th><td class="num">$6.50</td><td>2026.9.6</td><td>0.1.0</td>');
    expect(shared).toContain('=HYPERLINK(&quot;http://evil&quot;)');
    expect(shared).not.toContain('their-box');
    expect((await admin.post('/share-links', { from: day(6), to: day(0), days: '91' })).text).toContain('A share link expires after 1 to 90 days (got 91).');
    expect((await admin.post('/share-links', { from: day(6), to: day(0), include: ['tokens'] })).status).toBe(400);
  });

  it('stops working when revoked or expired, is listed in the audit log by its first characters only, and is never logged in full', async () => {
    const created = await admin.post('/share-links', { from: day(6), to: day(0), days: '1' });
    const url = /value="(http[^"]+\/shared\/[^"]+)"/.exec(created.text)![1]!;
    const path = new URL(url).pathname;
    const secret = path.split('/').pop()!;
    expect((await new TestBrowser(app.base).get(path)).status).toBe(200);
    app.setNow(new Date(Date.now() + DAY + 60_000));
    expect((await new TestBrowser(app.base).get(path)).status).toBe(404);
    app.setNow(new Date());
    const [first] = await sql<{ id: string; visible_id: string }>('select id, visible_id from share_link order by created_at limit 1');
    const reports = await admin.get('/reports');
    expect(reports.text).toContain(`<code>${first!.visible_id}…</code>`);
    expect((await admin.post(`/share-links/${first!.id}/revoke`)).location).toBe('/reports?notice=share-revoked');
    const audit = await sql<{ action: string; subject: string; details: unknown }>(`select action, subject, details from audit_log where action like 'share_link.%' order by id`);
    expect(audit.map((a) => a.action)).toEqual(['share_link.created', 'share_link.created', 'share_link.created', 'share_link.revoked']);
    expect(audit.every((a) => /^dcr_[A-Za-z0-9_-]{6}$/.test(a.subject))).toBe(true);
    const everything = JSON.stringify(audit) + app.logs.join('\n') + JSON.stringify(await sql('select * from share_link'));
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(4, 24));
    // Revoked: the first link's page is gone.
    const admins = await sql<{ revoked_at: string | null }>('select revoked_at from share_link where id = ?', [first!.id]);
    expect(admins[0]!.revoked_at).not.toBeNull();
  });
});
