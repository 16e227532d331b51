/**
 * An instance's first contact, as a new user meets it: the real agent on the real OpenClaw
 * 2026.9.6 state of a gateway that has been down for days (so its jobs are overdue and one of
 * them failed), through the real ingest, evaluated and delivered — one message naming every
 * problem, not a page per problem.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runAgentCli } from '../agent/cli.ts';
import { evaluateInstances } from '../bot/events/evaluate-instances.ts';
import { TITLES } from '../bot/messages/alert-message.ts';
import { asMessage } from '../bot/messages/alert-message.ts';
import { itemText } from '../bot/messages/message.ts';
import { addInstance } from '../bot/instances/instances.ts';
import { deliverDue } from '../bot/notifications/deliver.ts';
import { findWorkspace } from '../bot/workspaces/workspaces.ts';
import { closedPort, fakeClock } from './agent/support/agent-harness.ts';
import { copyFixtureState, FIXTURE_NOW, tempDir } from './agent/support/openclaw-fixtures.ts';
import { describeStorage } from './support/databases.ts';
import { startTestApp, type RunningApp } from './support/ingest-app.ts';
import { ALICE_AT_CLI } from './support/personas.ts';
import { recordingAdapter } from './support/recording-adapter.ts';

/** Three days after the fixture's activity: every job is long overdue. */
const NOW = new Date(FIXTURE_NOW + 3 * 86_400_000);

describeStorage('an instance\'s first contact', (db) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(db());
    app.setNow(NOW);
  });
  afterAll(() => app.close());

  it('is one message naming every problem of the 2026.9.6 state with its gateway down', async () => {
    const em = db().database.orm.em.fork();
    const workspace = await findWorkspace(em);
    const { instance, token } = await addInstance(em, { workspace, name: 'days-down', actor: ALICE_AT_CLI, now: NOW });
    await em.execute(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'recording', 'C-NEW', now(), 'test')`, [workspace.id]);

    const code = await runAgentCli(['--openclaw-dir', copyFixtureState('2026.9.6'), '--state-file', `${tempDir()}/state.json`, '--retry-for', '0s'], {
      // Nothing listens on the gateway's port: it is down.
      env: { DEEPCLAW_API_URL: app.base, DEEPCLAW_SYNC_TOKEN: token, PATH: '', OPENCLAW_GATEWAY_PORT: String(await closedPort()) },
      clock: fakeClock(NOW.getTime()),
      random: () => 0,
      fetch: globalThis.fetch,
      stdout: { write: () => true },
      stderr: { write: () => true },
      tuning: { gatewayTimeoutMs: 200 },
    });
    expect(code).toBe(0);

    const changes = await evaluateInstances(db().database.orm.em.fork(), [instance.id], NOW);
    const opened = changes.filter((c) => c.change === 'opened');
    // The state really is a storm: the gateway, a failed job and several missed ones.
    expect(new Set(opened.map((c) => c.kind))).toEqual(expect.objectContaining(new Set(['gateway-down', 'cron-failed', 'cron-missed'])));
    expect(opened.length).toBeGreaterThanOrEqual(4);

    const adapter = recordingAdapter();
    const pool = await db().database.orm.em.getConnection().getNativeClient();
    expect(await deliverDue(pool, new Map([['recording', adapter]]), NOW)).toMatchObject({ sent: 1 });
    expect(adapter.calls).toHaveLength(1);
    const post = adapter.calls[0]!;
    if (post.call !== 'post') throw new Error('expected a post');
    const message = asMessage(post.message);
    expect(message.title).toBe(`🔴 days-down connected: ${opened.length} problems`);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('"label":"Gateway","value":"down"');
    // Every problem is named: by its summary when alone of its kind, else by its name in the folded line.
    for (const change of opened) {
      const alone = opened.filter((c) => c.kind === change.kind).length === 1;
      expect(text).toContain(alone ? `${TITLES[change.kind]}: ${change.summary}`.replaceAll('"', '\\"') : String(change.details.name ?? change.key));
    }
    // The missed jobs are explained by the gateway being down: listed apart, not paged.
    const lines = message.blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(itemText) : b.kind === 'text' ? [b.text] : []));
    expect(lines).toContain('Also affected, held back while the gateway is down:');
    expect(lines.some((line) => /^\d+ cron jobs missed: /.test(line))).toBe(true);
    // Nothing more for this burst: no page per problem.
    expect(await deliverDue(pool, new Map([['recording', adapter]]), new Date(NOW.getTime() + 60_000))).toMatchObject({ sent: 0 });
  });
});
