import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCommand } from '../../bot/commands/command-core.ts';
import { IDLE_SECONDS } from '../../bot/dashboard/sessions.ts';
import { cli } from '../support/cli.ts';
import { describeStorage } from '../support/databases.ts';
import { signedIn, startDashboardApp, TestBrowser, type DashboardApp } from '../support/dashboard.ts';

// Real time: the admin CLI reads the wall clock, and its sessions must be alive for it too.
const NOW = new Date();
const MINUTE = 60_000;
const HOUR = 3_600_000;

describeStorage('dashboard sign-in and sessions', (db) => {
  let app: DashboardApp;
  const env = () => ({ env: { DATABASE_URL: db().url, DEEPCLAW_PUBLIC_URL: app.base } });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const pathOf = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    app = await startDashboardApp(db(), { chatAdmins: ['slack:UALLOW'] });
    app.setNow(NOW);
    await cli(['link-code'], env());
    const [code] = await sql<{ id: string }>('select id from link_code');
    // A chat linked to the default workspace, as /deepclaw link does.
    await sql(`insert into chat_link (id, workspace_id, platform, external_id, linked_at, linked_by) select gen_random_uuid(), id, 'slack', 'T1', now(), 'slack:UADMIN' from workspace where name = 'default'`);
    expect(code).toBeDefined();
  });
  afterAll(() => app.close());

  const commands = () => ({ orm: db().database.orm, chatAdmins: new Set(['slack:UALLOW']), publicUrl: app.base, agentSha256: async () => undefined, clock: () => app.now() });
  const ask = (userId: string, isPlatformAdmin: boolean) =>
    runCommand(commands(), { text: 'dashboard', requester: { platform: 'slack', userId, displayName: userId.toLowerCase(), isPlatformAdmin }, place: { chatId: 'T1', channelId: 'C1' } });

  it('prints a link at the terminal that signs in once, as an admin, and refuses the second use', async () => {
    const login = await cli(['dashboard', 'login', '--json'], env());
    expect(login.exitCode).toBe(0);
    const { url, role, expiresAt } = login.json();
    expect(role).toBe('admin');
    expect(new Date(expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(10 * MINUTE + 1000);
    const browser = new TestBrowser(app.base);
    // Opening the link only shows a button: a link preview fetching it does not use it up.
    const page = await browser.get(pathOf(url));
    expect(page.text).toContain('<button type="submit" class="primary">Sign in</button>');
    expect(browser.cookie).toBeUndefined();
    const first = await browser.post(pathOf(url), {}, { csrf: null });
    expect(first.status).toBe(303);
    expect(first.location).toBe('/');
    const fleet = await browser.get('/');
    expect(fleet.status).toBe(200);
    expect(fleet.text).toContain('alice · admin');
    const again = await new TestBrowser(app.base).post(pathOf(url), {}, { csrf: null });
    expect(again.status).toBe(404);
    expect(again.text).toContain('This sign-in link is unknown, already used or expired');
  });

  it('sends the chat link privately, as a secret, with the role the person has now', async () => {
    const [reply] = await ask('UMEMBER', false);
    expect(reply!.audience).toBe('requester');
    const secret = reply!.message.blocks.find((b) => b.kind === 'code');
    expect(secret).toMatchObject({ kind: 'code', secret: true, text: expect.stringMatching(new RegExp(`^${app.base}/sign-in/dcl_[A-Za-z0-9_-]{43}$`)) });
    expect(reply!.message.blocks.map((b) => ('text' in b ? b.text : '')).join(' ')).toContain('as a viewer');
    const viewer = new TestBrowser(app.base);
    await viewer.signIn(pathOf((secret as { text: string }).text));
    expect((await viewer.get('/')).text).toContain('umember · viewer');
    const [allowlisted] = await ask('UALLOW', false);
    expect(allowlisted!.message.blocks.map((b) => ('text' in b ? b.text : '')).join(' ')).toContain('as an admin');
    const [platformAdmin] = await ask('UOWNER', true);
    expect(platformAdmin!.message.blocks.map((b) => ('text' in b ? b.text : '')).join(' ')).toContain('as an admin');
  });

  it('refuses a link after ten minutes', async () => {
    const [reply] = await ask('ULATE', false);
    const url = (reply!.message.blocks.find((b) => b.kind === 'code') as { text: string }).text;
    app.setNow(new Date(NOW.getTime() + 10 * MINUTE + 1000));
    try {
      const answer = await new TestBrowser(app.base).post(pathOf(url), {}, { csrf: null });
      expect(answer.status).toBe(404);
    } finally {
      app.setNow(NOW);
    }
  });

  it('sets an HttpOnly, SameSite=Lax cookie holding only a random id, stored hashed', async () => {
    const browser = new TestBrowser(app.base);
    const login = (await cli(['dashboard', 'login', '--json'], env())).json();
    const answer = await fetch(`${app.base}${pathOf(login.url)}`, { method: 'POST', redirect: 'manual', headers: { origin: app.base, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    const cookie = answer.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^deepclaw_session=dcs_web_[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(cookie).not.toContain('Secure');
    const value = cookie.split(';')[0]!.split('=')[1]!;
    const rows = await sql<{ session_hash: string }>('select session_hash from dashboard_session');
    expect(rows.some((r) => r.session_hash.includes(value) || value.includes(r.session_hash))).toBe(false);
    expect(browser.cookie).toBeUndefined();
  });

  it('marks the cookie Secure, with the __Host- prefix, when the public URL is https', async () => {
    const secure = await startDashboardApp(db(), { publicUrl: 'https://deepclaw.example' });
    try {
      const login = (await cli(['dashboard', 'login', '--json'], { env: { DATABASE_URL: db().url } })).json();
      const answer = await fetch(`${secure.base}${pathOf(login.url)}`, { method: 'POST', redirect: 'manual', headers: { origin: 'https://deepclaw.example', 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(answer.headers.getSetCookie()[0]).toMatch(/^__Host-deepclaw_session=dcs_web_[^;]+; Path=\/; HttpOnly; SameSite=Lax; Expires=[^;]+; Secure$/);
      expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000');
    } finally {
      await secure.close();
    }
  });

  it('ends a session after 12 idle hours, and 7 days after sign-in however active', async () => {
    const browser = await signedIn(app, db(), { role: 'viewer' });
    app.setNow(new Date(NOW.getTime() + IDLE_SECONDS * 1000 - MINUTE));
    expect((await browser.get('/')).status).toBe(200);
    app.setNow(new Date(NOW.getTime() + 2 * IDLE_SECONDS * 1000 - 2 * MINUTE));
    expect((await browser.get('/')).status).toBe(200);
    app.setNow(new Date(NOW.getTime() + 3 * IDLE_SECONDS * 1000 + MINUTE));
    const idle = await browser.get('/');
    expect(idle.status).toBe(401);
    expect(idle.text).toContain('Type /deepclaw dashboard in a chat linked to DeepClaw');

    app.setNow(NOW);
    const busy = await signedIn(app, db(), { role: 'viewer' });
    for (let hours = 11; hours < 7 * 24; hours += 11) {
      app.setNow(new Date(NOW.getTime() + hours * HOUR));
      expect((await busy.get('/')).status).toBe(200);
    }
    app.setNow(new Date(NOW.getTime() + 7 * 24 * HOUR + MINUTE));
    expect((await busy.get('/')).status).toBe(401);
    app.setNow(NOW);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const browser = await signedIn(app, db(), { role: 'viewer' });
    const kept = browser.cookie;
    const out = await browser.post('/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/signed-out');
    expect(browser.cookie).toBeUndefined();
    browser.cookie = kept;
    expect((await browser.get('/')).status).toBe(401);
  });

  it('lets admins list and revoke sessions at the terminal and in the browser, effective on the next request', async () => {
    const victim = await signedIn(app, db(), { role: 'viewer', person: 'slack:UVICTIM', name: 'victor' });
    const listed = await cli(['dashboard', 'sessions', '--json'], env());
    const session = listed.json().sessions.find((s: { person: string }) => s.person === 'slack:UVICTIM');
    expect(session).toMatchObject({ role: 'viewer', personName: 'victor' });
    expect((await cli(['dashboard', 'sessions'], env())).stdout).toContain('victor (slack:UVICTIM)');
    const revoked = await cli(['dashboard', 'revoke', session.id.slice(0, 8)], env());
    expect(revoked.stdout).toContain('Ended 1 dashboard session');
    expect((await victim.get('/')).status).toBe(401);

    const admin = await signedIn(app, db(), { role: 'admin' });
    const other = await signedIn(app, db(), { role: 'viewer', person: 'slack:UOTHER', name: 'otto' });
    const sessions = await admin.get('/sessions');
    expect(sessions.text).toContain('otto');
    const id = /<tr data-session="([0-9a-f-]+)"><th scope="row"><code>[0-9a-f]+<\/code><\/th><td>otto/.exec(sessions.text)![1]!;
    expect((await admin.post(`/sessions/${id}/revoke`)).status).toBe(303);
    expect((await other.get('/')).status).toBe(401);
    expect((await other.get('/sessions')).status).toBe(401);
    const [audit] = await sql<{ n: number }>(`select count(*)::int as n from audit_log where action = 'dashboard.session_revoked'`);
    expect(audit!.n).toBe(2);
    expect((await cli(['dashboard', 'revoke', 'zz'], env())).stderr).toContain('is not a session id');
  });

  it('never writes a sign-in secret or a session cookie to the log', async () => {
    const login = (await cli(['dashboard', 'login', '--json'], env())).json();
    const browser = new TestBrowser(app.base);
    await browser.signIn(pathOf(login.url));
    const secret = pathOf(login.url).split('/').pop()!;
    expect(app.logs.join('\n')).not.toContain(secret);
    expect(app.logs.join('\n')).not.toContain(browser.cookie!.split('=')[1]!);
    expect(app.logs.some((line) => line.includes('"route":"/sign-in/:secret"'))).toBe(true);
  });
});
