import { afterAll, beforeAll, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../adapters/web/security-headers.ts';
import { applyDecisions } from '../../bot/events/event-store.ts';
import { describeStorage } from '../support/databases.ts';
import { addInstance, signedIn, startDashboardApp, TestBrowser, type DashboardApp } from '../support/dashboard.ts';

describeStorage('dashboard actions and headers', (db) => {
  let app: DashboardApp;
  let admin: TestBrowser;
  let viewer: TestBrowser;
  let eventId: string;
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const audit = (action: string) => sql<{ actor: string; origin: string; subject: string; details: Record<string, unknown> }>('select actor, origin, subject, details from audit_log where action = ? order by id', [action]);

  beforeAll(async () => {
    app = await startDashboardApp(db());
    const vps = await addInstance(db(), 'vps-1');
    await applyDecisions(db().database.orm.em.fork(), vps.id, 'cron-failed', [{ action: 'open', key: 'j1', summary: 'cron job "backup" failed: timeout', details: { reason: 'timeout' } }], new Date());
    [{ id: eventId }] = (await sql<{ id: string }>('select id from event')) as [{ id: string }];
    admin = await signedIn(app, db(), { role: 'admin', person: 'slack:UADA', name: 'ada' });
    viewer = await signedIn(app, db(), { role: 'viewer', person: 'slack:UVIC', name: 'vic' });
    await admin.get('/instances/vps-1');
    await viewer.get('/instances/vps-1');
  });
  afterAll(() => app.close());

  it('refuses a POST without the form token, or with another session’s, and changes nothing', async () => {
    for (const csrf of [null, 'x'.repeat(32), admin.csrf!]) {
      const answer = await viewer.post(`/events/${eventId}/ack`, { back: '/instances/vps-1' }, { csrf });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('This form is out of date or was not sent from the dashboard, so nothing was changed.');
    }
    expect((await sql<{ state: string }>('select state from event'))[0]!.state).toBe('open');
  });

  it('refuses a POST whose Origin is missing or another site’s, even with the right token', async () => {
    for (const origin of [null, 'https://evil.example', 'null']) {
      const answer = await viewer.post(`/events/${eventId}/ack`, {}, { origin });
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('its Origin header does not match');
    }
    const crossSite = await viewer.post(`/events/${eventId}/ack`, {}, { origin: 'null', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect((await sql<{ state: string }>('select state from event'))[0]!.state).toBe('open');
    expect(await audit('event.acked')).toEqual([]);
  });

  it('takes the browser’s Sec-Fetch-Site: same-origin when no-referrer makes it send Origin: null', async () => {
    const answer = await admin.post('/instances/vps-1/pause', { paused: 'no' }, { origin: 'null', headers: { 'sec-fetch-site': 'same-origin' } });
    expect(answer.status).toBe(303);
  });

  it('acks an event for anyone signed in, audited like chat with origin web, and says so on the page', async () => {
    const answer = await viewer.post(`/events/${eventId}/ack`, { back: '/instances/vps-1' });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/instances/vps-1?notice=acked');
    expect((await viewer.get(answer.location!)).text).toContain('Acknowledged. Reminders for it stop');
    expect((await sql<{ state: string; acked_by: string }>('select state, acked_by from event'))[0]).toEqual({ state: 'acked', acked_by: 'slack:UVIC' });
    expect(await audit('event.acked')).toEqual([{ actor: 'slack:UVIC', origin: 'web', subject: 'vps-1', details: expect.objectContaining({ eventId, by: 'vic' }) }]);
    const twice = await viewer.post(`/events/${eventId}/ack`, { back: '/events' });
    expect(twice.location).toBe('/events?notice=nothing-to-ack');
  });

  it('sends the browser back only to a path of this site', async () => {
    const answer = await admin.post('/instances/vps-1/pause', { paused: 'no', back: '//evil.example/x' });
    expect(answer.location).toBe('/?notice=resumed');
  });

  it('lets only admins mute and pause, audited', async () => {
    for (const [path, fields] of [['/instances/vps-1/mute', { duration: '1h' }], ['/instances/vps-1/pause', { paused: 'yes' }]] as const) {
      const refused = await viewer.post(path, fields);
      expect(refused.status).toBe(403);
      expect(refused.text).toMatch(/Only DeepClaw admins can (mute alerts|pause instances)\. Nothing was changed\./);
    }
    expect((await sql<{ muted_until: unknown; paused_at: unknown }>('select muted_until, paused_at from instance'))[0]).toEqual({ muted_until: null, paused_at: null });
    expect((await admin.post('/instances/vps-1/mute', { duration: '24h', back: '/instances/vps-1' })).location).toBe('/instances/vps-1?notice=muted');
    expect((await admin.post('/instances/vps-1/pause', { paused: 'yes', back: '/instances/vps-1' })).location).toBe('/instances/vps-1?notice=paused');
    const page = await admin.get('/instances/vps-1');
    expect(page.text).toContain('Muted until');
    expect(page.text).toContain('>Resume</button>');
    expect(page.text).toContain('>Unmute</button>');
    expect(await audit('instance.muted')).toEqual([expect.objectContaining({ actor: 'slack:UADA', origin: 'web', subject: 'vps-1' })]);
    expect(await audit('instance.paused')).toEqual([expect.objectContaining({ actor: 'slack:UADA', origin: 'web', subject: 'vps-1' })]);
    expect((await admin.post('/instances/vps-1/mute', { duration: '5y' })).status).toBe(400);
    // No admin buttons for a viewer.
    expect((await viewer.get('/instances/vps-1')).text).not.toContain('/pause"');
  });

  it('sends the security headers on every page, error pages and assets included', async () => {
    const responses = [
      await viewer.get('/'),
      await viewer.get('/instances/vps-1'),
      await viewer.get('/events'),
      await viewer.get('/reports'),
      await viewer.get('/audit'),
      await viewer.get('/instances/nope'),
      await new TestBrowser(app.base).get('/'),
      await new TestBrowser(app.base).get('/sign-in/dcl_nope'),
      await new TestBrowser(app.base).get('/shared/dcr_nope'),
      await viewer.get('/assets/dashboard.css'),
      await viewer.get('/reports/spend.csv'),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 403, 404, 401, 200, 404, 200, 200]);
    for (const response of responses) {
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    expect(responses[0]!.headers.get('cache-control')).toBe('no-store');
  });

  it('has no inline script or style on any page, and serves uPlot from its own origin', async () => {
    const page = (await admin.get('/instances/vps-1')).text;
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    for (const [, attributes, body] of scripts) {
      if (attributes!.includes('type="application/json"')) continue;
      expect(attributes).toMatch(/src="\/assets\/[\w.]+\.js"/);
      expect(body).toBe('');
    }
    expect(page).not.toMatch(/\sstyle=|<style|\son[a-z]+=/);
    const uplot = await admin.get('/assets/uPlot.iife.min.js');
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(uplot.text).toContain('uPlot');
  });
});
