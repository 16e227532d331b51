/**
 * Alerts that do not wait for a tick: a snapshot saying the gateway is down reaches the console
 * in seconds although the worker ticks only every 30 minutes. On a Postgres server the web and
 * the worker are separate processes and the nudges cross between them by LISTEN/NOTIFY; on the
 * embedded database one process does both and nudges itself.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from './support/databases.ts';
import { runNode, startService, type ServiceProcess } from './support/processes.ts';
import { buildSnapshot } from './support/snapshot-factory.ts';

describe.each(BACKENDS)('alerts right after ingest, with a 30-minute tick [%s]', (backend) => {
  let db: TestDatabase | undefined;
  const processes: ServiceProcess[] = [];
  let web: ServiceProcess;
  let worker: ServiceProcess;
  // Where the database is: a server's URL, or the embedded database's data dir (as with `npm start`).
  let database: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (backend === 'postgres') {
      db = await createTestDatabase(backend);
      database = { DATABASE_URL: db.url };
    } else {
      database = { DEEPCLAW_DATA_DIR: mkdtempSync(join(tmpdir(), 'deepclaw-data-')) };
    }
    // Console alerts print on a terminal only (and never from a worker) unless asked for, as here.
    const env = { ...database, DEEPCLAW_TICK: '30m', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_CONSOLE_ALERTS: 'stdout', LOG_LEVEL: 'info' };
    if (backend === 'postgres') {
      web = await startService(env, 30_000, 'web');
      worker = await startService(env, 30_000, 'worker');
      processes.push(web, worker);
    } else {
      web = worker = await startService(env);
      processes.push(web);
    }
  }, 60_000);
  afterAll(async () => {
    for (const process of processes) await process.stop();
    await db?.close();
  });

  it('announces the first contact with its gateway down from the first snapshot, and the resolve from the next good one', async () => {
    const { token } = JSON.parse((await runNode(['bot/cli/main.ts', 'instance', 'add', 'edge-vps', '--json'], database)).stdout);
    const push = (live: boolean, seq: number) => {
      const snapshot = buildSnapshot({ seq });
      snapshot.gateway = { ...snapshot.gateway, live };
      return fetch(`http://127.0.0.1:${web.port}/v1/snapshots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(snapshot),
      });
    };
    // Its first contact is one message: connected, with the problem it came with.
    expect((await push(false, 1)).status).toBe(202);
    await expect.poll(() => worker.output(), { timeout: 10_000, interval: 100 }).toMatch(/🔴 edge-vps connected: 1 problem/);
    expect(worker.output()).toMatch(/gateway down: /);
    expect((await push(true, 2)).status).toBe(202);
    await expect.poll(() => worker.output(), { timeout: 10_000, interval: 100 }).toMatch(/✅ edge-vps connected: 1 problem — resolved/);
  }, 40_000);
});
