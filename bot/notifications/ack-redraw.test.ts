import type { Pool } from 'pg';
import { expect, it } from 'vitest';
import { consoleAdapter } from '../../adapters/console/adapter.ts';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { runCommand } from '../commands/command-core.ts';
import { applyDecisions } from '../events/event-store.ts';
import { ensureConsoleSubscriptions } from './console-subscriptions.ts';
import { deliverDue } from './deliver.ts';
import { enqueueNotifications } from './enqueue.ts';

const OPENED = new Date('2026-12-02T10:00:00Z');
const ACKED = new Date('2026-12-02T10:07:00Z');

describeStorage('the alert redrawn after an ack, on the console', (db) => {
  const pool = async (): Promise<Pool> => db().database.orm.em.getConnection().getNativeClient();
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db().database.orm.em.getConnection().execute<T[]>(text, params);

  it('prints the alert again with who acknowledged it and when, once, after the ack reply', async () => {
    const env = { env: { DATABASE_URL: db().url } };
    await cli(['workspace', 'create', 'redraw'], env);
    await cli(['instance', 'add', 'vps-r', '--workspace', 'redraw'], env);
    await ensureConsoleSubscriptions(await pool(), 'stdout');
    const [instance] = await sql<{ id: string }>(`select id from instance where name = 'vps-r'`);
    const em = () => db().database.orm.em.fork();
    const changes = await applyDecisions(em(), instance!.id, 'gateway-down', [{ action: 'open', key: 'gateway', summary: 'the gateway does not answer', details: {} }], OPENED);
    await enqueueNotifications(em(), changes, OPENED);
    const written: string[] = [];
    const adapters = new Map([['console', consoleAdapter((text) => written.push(text))]]);
    await deliverDue(await pool(), adapters, OPENED);
    expect(written.join('')).toContain('🔴 vps-r: gateway down\nthe gateway does not answer\nInstance: vps-r');

    const deps = { orm: db().database.orm, chatAdmins: new Set<string>(), publicUrl: 'http://127.0.0.1:3000', agentSha256: async () => undefined, clock: () => ACKED };
    const requester = { platform: 'console', userId: 'alice', displayName: 'alice', isPlatformAdmin: true };
    const replies = await runCommand(deps, { text: `ack ${changes[0]!.eventId.slice(0, 8)}`, requester, place: { chatId: 'console', channelId: 'stdout' } }, { workspaceName: 'redraw' });
    expect(replies.map((r) => r.message.title)).toEqual(['👀 alice acknowledged vps-r: gateway-down']);

    written.length = 0;
    expect(await deliverDue(await pool(), adapters, ACKED)).toMatchObject({ sent: 1, failed: 0 });
    expect(written.join('')).toBe(
      '\n🔴 vps-r: gateway down\nthe gateway does not answer\nAcknowledged: by alice at 2026-12-02 10:07 UTC\nInstance: vps-r\nSince: 2026-12-02 10:00 UTC\n(updates alert #1)\n',
    );
    written.length = 0;
    expect(await deliverDue(await pool(), adapters, new Date(ACKED.getTime() + 60_000))).toMatchObject({ sent: 0 });
    expect(written).toEqual([]);
  });
});
