import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeStorage } from '../support/databases.ts';
import { addInstance, pushSnapshot, signedIn, startDashboardApp, TestBrowser, type DashboardApp } from '../support/dashboard.ts';
import { buildSnapshot } from '../support/snapshot-factory.ts';
import { cli } from '../support/cli.ts';

/** Reads server-sent events from `/live` until `until` has seen what it waits for. */
async function readEvents(app: DashboardApp, browser: TestBrowser, until: (text: string) => boolean, timeoutMs = 5000): Promise<{ status: number; type: string | null; text: string; abort(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${app.base}/live`, { headers: browser.cookie ? { cookie: browser.cookie } : {}, signal: controller.signal });
  let text = '';
  if (response.status === 200) {
    const reader = response.body!.getReader();
    const deadline = Date.now() + timeoutMs;
    while (!until(text) && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<{ done: true; value: undefined }>((resolve) => setTimeout(() => resolve({ done: true, value: undefined }), deadline - Date.now()))]);
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
  }
  return { status: response.status, type: response.headers.get('content-type'), text, abort: () => controller.abort() };
}

describeStorage('dashboard live updates', (db) => {
  let app: DashboardApp;
  beforeAll(async () => {
    app = await startDashboardApp(db());
  });
  afterAll(() => app.close());

  it("tells an open page of the workspace that something changed when a snapshot lands, and no other workspace's page", async () => {
    const vps = await addInstance(db(), 'vps-live');
    await cli(['workspace', 'create', 'elsewhere'], { env: { DATABASE_URL: db().url } });
    const ours = await signedIn(app, db(), { role: 'viewer' });
    const theirs = await signedIn(app, db(), { role: 'viewer', workspace: 'elsewhere' });
    const oursStream = readEvents(app, ours, (t) => t.includes('event: changed'));
    const theirsStream = readEvents(app, theirs, (t) => t.includes('event: changed'), 1500);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.dashboard.live.openStreams).toBe(2);
    await pushSnapshot(app, vps.token, buildSnapshot({ sentAt: new Date() }));
    const [seen, unseen] = await Promise.all([oursStream, theirsStream]);
    seen.abort();
    unseen.abort();
    expect(seen.status).toBe(200);
    expect(seen.type).toBe('text/event-stream; charset=utf-8');
    expect(seen.text).toMatch(/^retry: 5000\n\n[\s\S]*event: changed\ndata: \d+\n\n/);
    // The stream says only that something changed; the page fetches its own, scoped, view.
    expect(seen.text).not.toContain('vps-live');
    expect(unseen.text).not.toContain('event: changed');
  });

  it('tells every open page when events changed', async () => {
    const browser = await signedIn(app, db(), { role: 'viewer' });
    const stream = readEvents(app, browser, (t) => t.includes('event: changed'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    app.dashboard.live.eventsChanged();
    const seen = await stream;
    seen.abort();
    expect(seen.text).toContain('event: changed');
  });

  it('refuses the stream without a session', async () => {
    const seen = await readEvents(app, new TestBrowser(app.base), () => true);
    expect(seen.status).toBe(401);
  });
});
