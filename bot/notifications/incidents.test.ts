import type { Pool } from 'pg';
import { afterAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage, TEST_DATABASE_CONFIG } from '../../test/support/databases.ts';
import { recordingAdapter, type Call, type RecordingAdapter } from '../../test/support/recording-adapter.ts';
import { ALICE_AT_CLI } from '../../test/support/personas.ts';
import { ackCommand } from '../commands/alert-commands.ts';
import type { EventKind } from '../events/decision.ts';
import { applyDecisions, type EventChange } from '../events/event-store.ts';
import { asMessage } from '../messages/alert-message.ts';
import { itemText, type Message } from '../messages/message.ts';
import { openDatabase, type Database } from '../storage/orm.ts';
import { findWorkspace } from '../workspaces/workspaces.ts';
import { DEFAULT_DELIVERY, deliverDue, type DeliveryOptions } from './deliver.ts';
import { enqueueNotifications } from './enqueue.ts';
import { releaseHeldProblems } from './release-held.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const GROUPING: DeliveryOptions = { ...DEFAULT_DELIVERY, groupWaitSeconds: 30, groupIntervalSeconds: 300 };

describeStorage('one message per instance\'s trouble', (db) => {
  const em = () => db().database.orm.em.fork();
  const pool = async (): Promise<Pool> => db().database.orm.em.getConnection().getNativeClient();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);
  const opened: Database[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });
  let counter = 0;

  /** A workspace with one instance and one subscribed channel. */
  async function setup() {
    const n = ++counter;
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', `inc-${n}`], env);
    await cli(['instance', 'add', `box-${n}`, '--workspace', `inc-${n}`], env);
    const [row] = await sql<{ id: string; workspace_id: string }>('select id, workspace_id from instance where name = ?', [`box-${n}`]);
    await sql(`insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by) values (gen_random_uuid(), ?, 'recording', ?, now(), 'test')`, [row!.workspace_id, `C-${n}`]);
    return { instanceId: row!.id, name: `box-${n}`, workspace: `inc-${n}` };
  }

  async function open(instanceId: string, kind: EventKind, keys: string[], now: Date): Promise<EventChange[]> {
    const changes = await applyDecisions(em(), instanceId, kind, keys.map((key) => ({ action: 'open' as const, key, summary: `${kind} ${key}`, details: { name: key } })), now);
    await enqueueNotifications(em(), changes, now);
    return changes;
  }

  async function resolve(instanceId: string, kind: EventKind, keys: string[], now: Date): Promise<void> {
    const changes = await applyDecisions(em(), instanceId, kind, keys.map((key) => ({ action: 'resolve' as const, key, summary: `${key} fine again`, details: {} })), now);
    await enqueueNotifications(em(), changes, now);
  }

  const deliver = async (adapter: RecordingAdapter, now: Date, options = GROUPING) => deliverDue(await pool(), new Map([['recording', adapter]]), now, options);
  const posts = (calls: Call[]) => calls.filter((c) => c.call === 'post').map((c) => asMessage((c as Extract<Call, { call: 'post' }>).message));
  const lastEdit = (calls: Call[]): Message => asMessage((calls.filter((c) => c.call === 'update').at(-1) as Extract<Call, { call: 'update' }>).message);
  const lines = (message: Message) => message.blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(itemText) : b.kind === 'text' ? [b.text] : b.kind === 'note' ? [b.text] : []));

  it('holds a burst for the group wait and sends it as one message, repeated kinds folded', async () => {
    const { instanceId, name } = await setup();
    await open(instanceId, 'gateway-down', ['gateway'], at(0));
    await open(instanceId, 'security', ['bind'], at(5));
    await open(instanceId, 'cost-drift', ['spend'], at(10));
    await open(instanceId, 'cron-failed', ['a', 'b', 'c', 'd', 'e', 'f', 'g'], at(12));
    const adapter = recordingAdapter();
    // Within the wait nothing goes out; after it, one message for all of it.
    expect(await deliver(adapter, at(29))).toMatchObject({ sent: 0 });
    expect(await deliver(adapter, at(30))).toMatchObject({ sent: 1 });
    const [message] = posts(adapter.calls);
    expect(message!.title).toBe(`🔴 ${name}: 10 problems`);
    expect(lines(message!)).toEqual([
      'gateway down: gateway-down gateway',
      'security posture regressed: security bind',
      'spend drifting: cost-drift spend',
      'Also affected, held back while the gateway is down:',
      '7 cron jobs failed: a, b, c, d, e and 2 more',
    ]);
    expect(message!.actions.map((a) => a.id)).toEqual(['ack', 'mute-1h', 'mute-24h']);
    expect(await deliver(adapter, at(90))).toMatchObject({ sent: 0 });
  });

  it('edits the message as problems join, replies about them at most once a group interval, and not about held ones', async () => {
    const { instanceId, name } = await setup();
    await open(instanceId, 'security', ['bind'], at(0));
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    expect(posts(adapter.calls).map((m) => m.title)).toEqual([`🔴 ${name}: security posture regressed`]);

    await open(instanceId, 'cost-drift', ['spend'], at(60));
    await deliver(adapter, at(60));
    // The edit is immediate; the reply waits for the interval since the message went out.
    expect(lastEdit(adapter.calls).title).toBe(`🔴 ${name}: 2 problems`);
    expect(adapter.calls.filter((c) => c.call === 'reply')).toEqual([]);
    await deliver(adapter, at(329));
    expect(adapter.calls.filter((c) => c.call === 'reply')).toEqual([]);
    await deliver(adapter, at(330));
    expect(adapter.calls.filter((c) => c.call === 'reply').map((c) => (c as { text: string }).text)).toEqual(['New: spend drifting: cost-drift spend']);

    // A cause opens: news. What it explains opens: an edit only.
    await open(instanceId, 'gateway-down', ['gateway'], at(700));
    await deliver(adapter, at(700));
    await open(instanceId, 'cron-missed', ['nightly'], at(1100));
    await deliver(adapter, at(1100));
    await deliver(adapter, at(1500));
    const replies = adapter.calls.filter((c) => c.call === 'reply').map((c) => (c as { text: string }).text);
    expect(replies).toEqual(['New: spend drifting: cost-drift spend', 'New: gateway down: gateway-down gateway']);
    expect(lines(lastEdit(adapter.calls))).toContain('cron job missed: cron-missed nightly');
    expect(posts(adapter.calls)).toHaveLength(1);
  });

  it('edits as members resolve, and the last resolve closes the message with an edit and a reply', async () => {
    const { instanceId, name } = await setup();
    await open(instanceId, 'security', ['bind'], at(0));
    await open(instanceId, 'cost-drift', ['spend'], at(1));
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    await resolve(instanceId, 'security', ['bind'], at(100));
    await deliver(adapter, at(100));
    expect(lastEdit(adapter.calls).title).toBe(`🟠 ${name}: 1 problem`);
    expect(lines(lastEdit(adapter.calls))).toContain('Resolved meanwhile: security posture regressed: bind fine again');
    await resolve(instanceId, 'cost-drift', ['spend'], at(200));
    await deliver(adapter, at(200));
    expect(lastEdit(adapter.calls).title).toBe(`✅ ${name}: 2 problems — resolved`);
    expect(adapter.calls.at(-1)).toMatchObject({ call: 'reply', text: 'Resolved: all 2 problems, 3 min after the first opened.' });
  });

  it('never sends a burst that resolved within the group wait', async () => {
    const { instanceId } = await setup();
    await open(instanceId, 'cron-failed', ['blip'], at(0));
    await resolve(instanceId, 'cron-failed', ['blip'], at(10));
    const adapter = recordingAdapter();
    expect(await deliver(adapter, at(60))).toMatchObject({ sent: 0 });
    expect(adapter.calls).toEqual([]);
    expect(await sql(`select n.state from notification n join event e on e.id = n.event_id where e.instance_id = ?`, [instanceId])).toEqual([{ state: 'withdrawn' }]);
  });

  it('pages what a cause held back once the cause has resolved and the settling time passed', async () => {
    const { instanceId, name } = await setup();
    await open(instanceId, 'gateway-down', ['gateway'], at(0));
    await open(instanceId, 'cron-missed', ['nightly', 'hourly'], at(1));
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    expect(posts(adapter.calls).map((m) => m.title)).toEqual([`🔴 ${name}: 3 problems`]);
    await resolve(instanceId, 'gateway-down', ['gateway'], at(100));
    // Settling: most held problems resolve on their own once the cause is gone. Not yet time.
    expect(await releaseHeldProblems(em(), at(219), 120)).toBe(0);
    await resolve(instanceId, 'cron-missed', ['hourly'], at(150));
    expect(await releaseHeldProblems(em(), at(220), 120)).toBe(1);
    // Paged normally: its own message, after the group wait like any other.
    await deliver(adapter, at(250));
    // The old message closes showing what resolved; what is still open is paged on its own.
    expect(lastEdit(adapter.calls).title).toBe(`✅ ${name}: 2 problems — resolved`);
    expect(posts(adapter.calls).map((m) => m.title)).toEqual([`🔴 ${name}: 3 problems`, `🟠 ${name}: cron job missed`]);
    expect(await releaseHeldProblems(em(), at(400), 120)).toBe(0);
  });

  it('acks the whole incident from its message, and redraws it once', async () => {
    const { instanceId, name, workspace } = await setup();
    const [leader] = await open(instanceId, 'security', ['bind'], at(0));
    await open(instanceId, 'cost-drift', ['spend'], at(1));
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    const replies = await ackCommand(
      { em: em(), workspace: await findWorkspace(em(), workspace), actor: ALICE_AT_CLI, requester: { platform: 'recording', userId: 'U1', displayName: 'alice', isAdmin: false }, place: { channelId: 'C-x' }, now: at(40) } as never,
      leader!.eventId,
    );
    expect(asMessage(replies[0]!.message).title).toBe(`👀 alice acknowledged ${name}: security and 1 more problem in the same alert`);
    expect(await sql(`select state from event where instance_id = ? order by kind`, [instanceId])).toEqual([{ state: 'acked' }, { state: 'acked' }]);
    await deliver(adapter, at(41));
    const redrawn = lastEdit(adapter.calls);
    expect(redrawn.blocks).toContainEqual({ kind: 'fields', fields: expect.arrayContaining([{ label: 'Acknowledged', value: 'by alice at 2026-11-21 12:00 UTC' }]) });
    expect(redrawn.actions.map((a) => a.id)).toEqual(['mute-1h', 'mute-24h']);
  });

  it('two workers opening one instance\'s problems at once make one incident and one message', async () => {
    const { instanceId, name } = await setup();
    const workers = await Promise.all(['a', 'b'].map(() => openDatabase({ database: { ...TEST_DATABASE_CONFIG, url: db().url } })));
    opened.push(...workers);
    await Promise.all(
      workers.map(async (worker, i) => {
        const kinds: EventKind[] = i === 0 ? ['security', 'cron-failed'] : ['cost-drift', 'error-spike'];
        for (const kind of kinds) {
          const changes = await applyDecisions(worker.orm.em.fork(), instanceId, kind, [{ action: 'open', key: 'k', summary: `${kind} k`, details: {} }], at(0));
          await worker.orm.em.fork().transactional((tx) => enqueueNotifications(tx, changes, at(0)));
        }
      }),
    );
    expect(await sql(`select count(*)::int as n from incident where instance_id = ?`, [instanceId])).toEqual([{ n: 1 }]);
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    expect(posts(adapter.calls).map((m) => m.title)).toEqual([`🔴 ${name}: 4 problems`]);
  });

  it('replies under the incident\'s message when one of its problems starts flapping', async () => {
    const { instanceId } = await setup();
    await open(instanceId, 'security', ['bind'], at(0));
    const adapter = recordingAdapter();
    await deliver(adapter, at(30));
    // The cost drift opens and resolves three times within the hour; the third open is held.
    for (const [n, second] of [60, 120, 180].entries()) {
      await open(instanceId, 'cost-drift', ['spend'], at(second));
      if (n < 2) await resolve(instanceId, 'cost-drift', ['spend'], at(second + 10));
    }
    await resolve(instanceId, 'cost-drift', ['spend'], at(200));
    await deliver(adapter, at(200));
    const replies = adapter.calls.filter((c) => c.call === 'reply') as Extract<Call, { call: 'reply' }>[];
    expect(replies.map((r) => r.text)).toContain('Flapping: this alert kept opening and resolving, so it is held open until it has been steady for an hour.');
    expect(replies.every((r) => r.ref.ts === '1')).toBe(true);
    expect(posts(adapter.calls)).toHaveLength(1);
  });
});
