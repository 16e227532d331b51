/**
 * Property: whatever a client sends, the answer is never a 5xx, every 4xx carries a JSON `error`
 * code, and a refused snapshot writes nothing. Thousands of random and mutated payloads, through
 * the real HTTP app on a real database.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { anyJson, mutate, strangeNumber, strangeString } from '../../test/support/snapshot-mutations.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);

describeStorage('POST /v1/snapshots under random input', (db) => {
  let app: RunningApp;
  let token = '';
  let instanceId = '';
  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1_000_000 });
    token = (await cli(['instance', 'add', 'fuzzed', '--json'], { env: { DATABASE_URL: db().url } })).json().token;
    const [row] = await db().database.orm.em.getConnection().execute<{ id: string }[]>("select id from instance where name = 'fuzzed'");
    instanceId = row!.id;
  });
  afterAll(() => app.close());

  const storedCount = async () => {
    const [row] = await db().database.orm.em.getConnection().execute<{ n: number }[]>('select count(*)::int as n from snapshot where instance_id = ?', [instanceId]);
    return row!.n;
  };

  it('never answers 5xx, always names the error, and stores only what it accepts', async () => {
    const statuses = new Map<number, number>();
    const payload = fc.oneof(
      { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
      {
        weight: 6,
        arbitrary: fc
          .record({
            path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
            replacement: fc.oneof(anyJson, strangeString, strangeNumber),
            remove: fc.boolean(),
          })
          .map(({ path, replacement, remove }) => JSON.stringify(mutate(buildSnapshot({ hours: 2, cronJobs: 2 }), path, replacement, remove))),
      },
    );
    await fc.assert(
      fc.asyncProperty(payload, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'), async (body, contentType) => {
        const before = await storedCount();
        const response = await fetch(`${app.base}/v1/snapshots`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
          body,
        });
        const answer = (await response.json()) as { error?: string; accepted?: boolean };
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        if (response.status >= 400) {
          expect(answer.error).toMatch(/^[a-z_]+$/);
          expect(await storedCount()).toBe(before);
        } else {
          expect(response.status).toBe(202);
          expect(answer.accepted).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator must exercise both sides: plenty refused, and mutations that still pass.
    expect(statuses.get(202)).toBeGreaterThan(RUNS / 50);
    expect(statuses.get(422)).toBeGreaterThan(RUNS / 10);
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([202, 400, 415, 422]));
  }, 180_000);
});
