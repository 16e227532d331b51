/**
 * The service and the admin CLI as real processes on a real data dir: what a newcomer does with
 * `npm start` and `npm run deepclaw`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNode, startService } from './support/processes.ts';
import { buildSnapshot } from './support/snapshot-factory.ts';

const freshDataDir = () => mkdtempSync(join(tmpdir(), 'deepclaw-data-'));

describe('the service process with the embedded database', () => {
  it('serves /healthz and /readyz, and exits 0 on SIGTERM within 10 s, releasing the data dir', async () => {
    const dataDir = freshDataDir();
    const service = await startService({ DEEPCLAW_DATA_DIR: dataDir });
    try {
      expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
      expect(await ready.json()).toEqual({ ready: true, database: 'ok', migrations: 'current' });
      expect(existsSync(join(dataDir, 'embedded.json'))).toBe(true);
    } finally {
      const { code, ms } = await service.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
    }
    expect(existsSync(join(dataDir, 'embedded.json'))).toBe(false);
  });

  it('lets the CLI use the running service\'s database, and keeps the data across a restart', async () => {
    const dataDir = freshDataDir();
    const env = { DEEPCLAW_DATA_DIR: dataDir };
    const first = await startService(env);
    let token: string;
    try {
      const added = await runNode(['bot/cli/main.ts', 'instance', 'add', 'my-vps', '--json'], env);
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      token = JSON.parse(added.stdout).token;
    } finally {
      expect((await first.stop('SIGINT')).code).toBe(0);
    }

    // With the service stopped, the CLI opens the embedded database itself.
    const offline = await runNode(['bot/cli/main.ts', 'token', 'check'], env, token);
    expect(offline.stdout).toBe('Valid: writes snapshots for instance "my-vps" in workspace "default".\n');

    const second = await startService(env);
    try {
      const listed = await runNode(['bot/cli/main.ts', 'instance', 'list', '--json'], env);
      expect(JSON.parse(listed.stdout).instances.map((i: { name: string }) => i.name)).toEqual(['my-vps']);
      // The worker sums the settled usage of this hour and the next as soon as it starts.
      await expect.poll(() => second.output(), { timeout: 15_000, interval: 250 }).toMatch(/usage summarized/);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start a second service on the same data dir, with a clear message', async () => {
    const dataDir = freshDataDir();
    const first = await startService({ DEEPCLAW_DATA_DIR: dataDir });
    try {
      const second = await runNode(['bot/main.ts'], { DEEPCLAW_DATA_DIR: dataDir, PORT: '0' });
      expect(second.code).toBe(1);
      expect(second.stderr).toBe(
        `deepclaw: the embedded database in ${dataDir} is in use by another DeepClaw process (pid ${first.child.pid}); ` +
          'stop it first, or give this one its own DEEPCLAW_DATA_DIR\n',
      );
      expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it('takes over a data dir whose previous owner was killed', async () => {
    const dataDir = freshDataDir();
    const killed = await startService({ DEEPCLAW_DATA_DIR: dataDir });
    await runNode(['bot/cli/main.ts', 'instance', 'add', 'survivor'], { DEEPCLAW_DATA_DIR: dataDir });
    await killed.stop('SIGKILL');
    const next = await startService({ DEEPCLAW_DATA_DIR: dataDir });
    try {
      const listed = await runNode(['bot/cli/main.ts', 'instance', 'list', '--json'], { DEEPCLAW_DATA_DIR: dataDir });
      expect(JSON.parse(listed.stdout).instances.map((i: { name: string }) => i.name)).toEqual(['survivor']);
    } finally {
      await next.stop();
    }
  });

  it('announces a silent instance on the console, and its return', async () => {
    const dataDir = freshDataDir();
    // Alerts print on a terminal only; this test reads them from a pipe, so it asks for them.
    const env = { DEEPCLAW_DATA_DIR: dataDir, DEEPCLAW_TICK: '1s', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_STALE_GRACE: '1s', DEEPCLAW_CONSOLE_ALERTS: 'stdout', LOG_LEVEL: 'warn' };
    const service = await startService({ ...env, LOG_LEVEL: 'info' });
    try {
      const { token } = JSON.parse((await runNode(['bot/cli/main.ts', 'instance', 'add', 'quiet-vps', '--json'], env)).stdout);
      const sync = () => {
        const snapshot = buildSnapshot();
        snapshot.agent.intervalSeconds = 10;
        return fetch(`http://127.0.0.1:${service.port}/v1/snapshots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(snapshot),
        });
      };
      expect((await sync()).status).toBe(202);
      await expect.poll(() => service.output(), { timeout: 30_000, interval: 250 }).toMatch(/🔴 quiet-vps: stopped syncing\nlast sync \d+ (s|min) ago, expected every 10 s/);
      expect((await sync()).status).toBe(202);
      await expect.poll(() => service.output(), { timeout: 15_000, interval: 250 }).toMatch(/✅ quiet-vps: stopped syncing — resolved/);
      // Message #1 announced its first contact; #2 is the alert the resolve replies under.
      expect(service.output()).toMatch(/🟢 quiet-vps connected\nGateway: up \(2026\.9\.6\)\nCron: 2 jobs, all healthy/);
      expect(service.output()).toMatch(/↳ #2: Resolved: syncing again after \d+ (s|min) of silence/);
    } finally {
      await service.stop();
    }
  }, 60_000);

  it('exits 2 with one line per bad variable and no stack trace', async () => {
    const result = await runNode(['bot/main.ts'], { PORT: 'abc', DATABASE_POOL_SIZE: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('deepclaw: PORT: expected a whole number from 0 to 65535 (got "abc")\ndeepclaw: DATABASE_POOL_SIZE: expected at least 1 (got "0")\n');
  });

  it('exits 1 with a clear line when DATABASE_URL cannot be reached', async () => {
    const result = await runNode(['bot/main.ts'], { DATABASE_URL: 'postgres://deepclaw:pw@127.0.0.1:1/deepclaw', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^deepclaw: cannot reach Postgres at postgres:\/\/deepclaw@127\.0\.0\.1:1\/deepclaw: .+\n$/);
  });
});
