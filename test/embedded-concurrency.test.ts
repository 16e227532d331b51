/**
 * The real service on the embedded database under concurrent web and worker load: 8 agents
 * syncing as fast as they can (first syncs included), forged tokens, and the worker's jobs ticking
 * every second. On the embedded database a 202 must mean stored and nothing may answer 500.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runNode, startService } from './support/processes.ts';
import { buildSnapshot } from './support/snapshot-factory.ts';

const LOOPS = 8;
const LOAD_MS = 6000;

describe('the service on the embedded database under concurrent load', () => {
  it('answers no 500, stores every 202 snapshot, and refuses forged tokens with 401', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'deepclaw-load-'));
    // Limits raised: this measures the database, not the per-instance and per-address limiters.
    const env = {
      DEEPCLAW_DATA_DIR: dataDir,
      DEEPCLAW_TICK: '1s',
      DEEPCLAW_STALE_GRACE: '1s',
      DEEPCLAW_RATE_LIMIT_BURST: '10000',
      DEEPCLAW_AUTH_FAILURE_BURST: '100000',
    };
    const service = await startService({ ...env, LOG_LEVEL: 'info' });
    try {
      const tokens = await Promise.all(
        Array.from({ length: LOOPS }, async (_, i) => {
          const added = await runNode(['bot/cli/main.ts', 'instance', 'add', `load-${i}`, '--json'], env);
          expect(added.stderr).toBe('');
          return JSON.parse(added.stdout).token as string;
        }),
      );
      const statuses = new Map<number, number>();
      const accepted = new Map<string, number>();
      const forged = new Map<number, number>();
      const post = (token: string, seq: number) => {
        const snapshot = buildSnapshot({ seq });
        snapshot.agent.intervalSeconds = 10;
        return fetch(`http://127.0.0.1:${service.port}/v1/snapshots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(snapshot),
        });
      };
      const deadline = Date.now() + LOAD_MS;
      await Promise.all(
        tokens.map(async (token, i) => {
          for (let seq = 1; Date.now() < deadline; seq++) {
            if (seq % 10 === 0) {
              // Same shape as a real token, wrong secret.
              const response = await post(`${token.slice(0, -6)}AAAAAA`, seq);
              forged.set(response.status, (forged.get(response.status) ?? 0) + 1);
              await response.body?.cancel();
              continue;
            }
            const response = await post(token, seq);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 202) accepted.set(`load-${i}`, (accepted.get(`load-${i}`) ?? 0) + 1);
            await response.body?.cancel();
          }
        }),
      );

      const { port } = JSON.parse(readFileSync(join(dataDir, 'embedded.json'), 'utf8')) as { port: number };
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
      await client.connect();
      const { rows } = await client.query<{ name: string; n: number }>(
        'select i.name, count(*)::int as n from snapshot s join instance i on i.id = s.instance_id group by i.name',
      );
      await client.end();

      expect([...forged.keys()]).toEqual([401]);
      expect([...statuses.keys()]).toEqual([202]);
      expect(Object.fromEntries(rows.map((row) => [row.name, row.n]))).toEqual(Object.fromEntries(accepted));
      expect([...accepted.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(200);
      expect(service.output()).not.toMatch(/internal_error|"level":50/);
      // The worker really ran alongside.
      expect(service.output()).toMatch(/stale|deliver|usage summarized/);
    } finally {
      expect((await service.stop()).code).toBe(0);
    }
  }, 40_000);
});
