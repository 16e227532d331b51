/**
 * Property: a credential of any kind the guard knows, put into any string of a real snapshot
 * (value or key), behind any JSON escape, spelled with \u escapes, or hidden under a duplicate
 * key, is refused — or, where the parsed value no longer holds it, dropped — and in every case it
 * is never stored, never echoed in the answer and never logged.
 */
import fc from 'fast-check';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { ALL_SECRET_SAMPLES } from '../../test/support/secret-samples.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const PLACEHOLDER = 'PLACEHOLDER-7f3a';

/** Escapes that decode to a character no credential pattern needs next to it. */
const ESCAPES = ['', '\\n', '\\t', '\\r', '\\b', '\\f', '\\/', '\\"', '\\\\', '\\u0020', '\\u000a', '\\u002c'];

/** Every string value and key of a snapshot, as a path to reach it. */
function stringSlots(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; key: boolean }[] {
  if (typeof value === 'string') return [{ path, key: false }];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringSlots(item, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [{ path: [...path, key], key: true }, ...stringSlots(item, [...path, key])]);
  }
  return [];
}

/** `text` with one character written as a \u escape, which JSON decodes back to the same text. */
function withUnicodeEscape(text: string, at: number): string {
  const i = at % text.length;
  return `${jsonInner(text.slice(0, i))}\\u${text.charCodeAt(i).toString(16).padStart(4, '0')}${jsonInner(text.slice(i + 1))}`;
}

const jsonInner = (text: string) => JSON.stringify(text).slice(1, -1);

describeStorage('POST /v1/snapshots with credentials hidden anywhere', (db) => {
  let app: RunningApp;
  let token = '';
  let instanceId = '';
  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1_000_000 });
    token = (await cli(['instance', 'add', 'smuggler', '--json'], { env: { DATABASE_URL: db().url } })).json().token;
    const [row] = await db().database.orm.em.getConnection().execute<{ id: string }[]>("select id from instance where name = 'smuggler'");
    instanceId = row!.id;
  });
  afterAll(() => app.close());

  async function everythingStored(): Promise<string> {
    const connection = db().database.orm.em.getConnection();
    const bodies = await connection.execute<{ body: Buffer }[]>('select body from snapshot where instance_id = ?', [instanceId]);
    const rows = await connection.execute<{ text: string }[]>(
      `select coalesce((select string_agg(c::text, ' ') from cron_job c where instance_id = ?), '')
           || coalesce((select string_agg(s::text, ' ') from instance_state s where instance_id = ?), '')
           || coalesce((select string_agg(a::text, ' ') from audit_log a), '') as text`,
      [instanceId, instanceId],
    );
    return [...bodies.map((row) => inflateRawSync(row.body).toString()), rows[0]!.text].join('\n');
  }

  it('refuses or drops every hidden credential, and never stores, echoes or logs it', async () => {
    const base = buildSnapshot({ hours: 1, cronJobs: 2 });
    base.sessions.byChannel = { telegram: 1 };
    base.gateway.failing = ['readyz'];
    const slots = stringSlots(base);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...slots),
        fc.constantFrom(...ALL_SECRET_SAMPLES),
        fc.constantFrom(...ESCAPES),
        fc.constantFrom('plain', 'unicode-escaped', 'duplicate-key'),
        fc.nat(),
        async (slot, secret, escape, spelling, at) => {
          const snapshot = { ...structuredClone(base), snapshotId: crypto.randomUUID() } as unknown as Record<string, unknown>;
          const parent = slot.path.slice(0, -1).reduce<any>((node, part) => node[part], snapshot);
          const last = slot.path.at(-1)!;
          if (slot.key) {
            parent[PLACEHOLDER] = parent[last];
            delete parent[last];
          } else {
            parent[last] = PLACEHOLDER;
          }
          // Text before the escape, so it is not simply at the start; none when there is no escape,
          // since a letter glued to a key (`xAKIA…`) is, by design, not that key's shape.
          const hidden = `${escape ? `x${escape}` : ''}${spelling === 'unicode-escaped' ? withUnicodeEscape(secret.value, at) : jsonInner(secret.value)}`;
          let raw = JSON.stringify(snapshot);
          if (spelling === 'duplicate-key' && !slot.key) {
            // The credential first, the original value after it: the parsed value keeps the latter.
            raw = raw.replace(`"${String(last)}":"${PLACEHOLDER}"`, `"${String(last)}":"${hidden}","${String(last)}":${JSON.stringify(slot.path[0] === 'snapshotId' ? snapshot.snapshotId : slotValue(base, slot.path))}`);
          } else {
            raw = raw.replace(`"${PLACEHOLDER}"`, `"${hidden}"`);
          }
          const response = await fetch(`${app.base}/v1/snapshots`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: raw,
          });
          const answer = await response.text();
          if (spelling !== 'duplicate-key' || slot.key) expect(response.status, `${secret.kind} at ${slot.path.join('.')}`).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expect(answer).not.toContain(secret.value);
          expect(app.logs.join('\n')).not.toContain(secret.value);
          expect(await everythingStored()).not.toContain(secret.value);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

function slotValue(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<any>((node, part) => node[part], value);
}
