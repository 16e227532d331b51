/**
 * What an attacker tried against POST /v1/snapshots (issue 11), each as the behaviour that now
 * holds: secrets past the guard, unauthenticated CPU burn, echoed keys, aborted uploads, bad UTF-8,
 * concurrent replays.
 */
import { request as httpRequest } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { generateSyncToken } from '../../bot/tokens/sync-token-format.ts';
import { MAX_REPORTED_ISSUES } from '../validate-snapshot.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

describeStorage('POST /v1/snapshots against hostile input', (db) => {
  let app: RunningApp;
  let counter = 0;

  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1000, authFailureBurst: 4, authFailureRefillSeconds: 60 });
  });
  afterAll(() => app.close());

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    db().database.orm.em.getConnection().execute<T[]>(text, params);

  async function newInstance(): Promise<{ token: string; id: string }> {
    const name = `hostile-${++counter}`;
    const { token } = (await cli(['instance', 'add', name, '--json'], { env: { DATABASE_URL: db().url } })).json();
    const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    return { token, id: row!.id };
  }

  /** Each test its own client address, so the failure limit of one does not leak into another. */
  const address = () => `198.51.100.${++counter}`;

  function post(token: string, body: string, from = '203.0.113.1') {
    return fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': from },
      body,
    });
  }

  async function storedText(instanceId: string): Promise<string> {
    const bodies = await sql<{ body: Buffer }>('select body from snapshot where instance_id = ?', [instanceId]);
    const cron = await sql<{ text: string }>("select coalesce(string_agg(name || ' ' || job_id, ' '), '') as text from cron_job where instance_id = ?", [instanceId]);
    const state = await sql<{ text: string }>("select coalesce(string_agg(s::text, ' '), '') as text from instance_state s where instance_id = ?", [instanceId]);
    return [...bodies.map((row) => inflateRawSync(row.body).toString()), cron[0]!.text, state[0]!.text].join('\n').trim();
  }

  it('refuses a secret hidden behind a JSON escape, and stores nothing', async () => {
    const { token, id } = await newInstance();
    for (const escape of ['\\n', '\\t', '\\r', '\\/', '\\"', '\\\\', '\\u0020']) {
      const snapshot = buildSnapshot({ cronJobs: 2 });
      const raw = JSON.stringify(snapshot).replace(`"name":"${snapshot.cron[0]!.name}"`, `"name":"x${escape}${AWS_KEY}"`);
      const response = await post(token, raw);
      expect(response.status, escape).toBe(422);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'secret_detected', path: 'cron[0].name', kind: 'aws_access_key_id' });
      expect(text).not.toContain(AWS_KEY);
    }
    expect(await storedText(id)).toBe('');
    expect(app.logs.join('\n')).not.toContain(AWS_KEY);
  });

  it('never stores the text of a duplicate key that the parsed value dropped', async () => {
    const { token, id } = await newInstance();
    const snapshot = buildSnapshot({ cronJobs: 1 });
    const name = snapshot.cron[0]!.name;
    const raw = JSON.stringify(snapshot).replace(`"name":"${name}"`, `"name":"${AWS_KEY}","name":"${name}"`);
    const response = await post(token, raw);
    expect(response.status).toBe(202);
    const stored = await storedText(id);
    expect(stored).toContain(name);
    expect(stored).not.toContain(AWS_KEY);
  });

  it('answers 401, not 422, to a forged token with a body of thousands of empty objects', async () => {
    const body = JSON.stringify({ ...buildSnapshot(), usage: Array.from({ length: 15_000 }, () => ({})) });
    const response = await post(generateSyncToken(), body, address());
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'unknown_token' });
  });

  it(`reports at most ${MAX_REPORTED_ISSUES} failing paths, and stops looking after them`, async () => {
    const { token } = await newInstance();
    const body = JSON.stringify({ ...buildSnapshot(), usage: Array.from({ length: 9_000 }, () => ({})) });
    const started = performance.now();
    const response = await post(token, body);
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(422);
    const answer: any = await response.json();
    expect(answer.error).toBe('schema_violation');
    expect(answer.issues).toHaveLength(MAX_REPORTED_ISSUES);
    expect(answer.issues[0].path).toMatch(/^usage\[0\]/);
    // 105,000 issues took ~140 ms of CPU; twenty take a few.
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('throttles an address after too many refused tokens with 429 and Retry-After, counted and audited once, while working tokens from it still get in', async () => {
    const { token } = await newInstance();
    const from = address();
    const body = JSON.stringify(buildSnapshot());
    for (let i = 0; i < 3; i++) expect((await post(generateSyncToken(), body, from)).status).toBe(401);
    expect((await post('dcs_not-even-a-token', body, from)).status).toBe(401);
    const throttled = await post(generateSyncToken(), body, from);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await throttled.json()).toMatchObject({ error: 'too_many_failures' });
    expect((await post(token, JSON.stringify(buildSnapshot()), from)).status).toBe(202);
    expect((await post(generateSyncToken(), body, '203.0.113.99')).status).toBe(401);

    const metrics = await (await fetch(`${app.base}/metrics`)).text();
    expect(metrics).toMatch(/deepclaw_ingest_sources_throttled_total \d+/);
    expect(metrics).toMatch(/deepclaw_snapshots_rejected_total\{reason="too_many_failures"\} [1-9]/);
    await expect.poll(async () => (await sql<{ n: number }>("select count(*)::int as n from audit_log where action = 'ingest.source_throttled' and subject = ?", [from]))[0]!.n).toBe(1);
  });

  it('does not echo a credential-shaped key in a 422 schema violation', async () => {
    const { token, id } = await newInstance();
    const snapshot = buildSnapshot();
    const response = await post(token, JSON.stringify({ ...snapshot, gateway: { ...snapshot.gateway, [JWT]: 1 }, [AWS_KEY]: true }));
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(AWS_KEY);
    expect(text).not.toContain('eyJ');
    expect(JSON.parse(text).issues.map((issue: { path: string }) => issue.path).sort()).toEqual(['', 'gateway']);
    expect(await storedText(id)).toBe('');
  });

  it('refuses a JWT used as a channel name without echoing it', async () => {
    const { token } = await newInstance();
    const snapshot = buildSnapshot();
    const response = await post(token, JSON.stringify({ ...snapshot, sessions: { ...snapshot.sessions, byChannel: { [JWT.slice(0, 60)]: 1 } } }));
    expect(response.status).toBe(422);
    const text = await response.text();
    expect(text).not.toContain(JWT.slice(0, 30));
    expect(JSON.parse(text)).toMatchObject({ error: 'secret_detected', path: 'sessions.byChannel.<key>' });
  });

  it('counts a client that aborts mid-body as client_aborted, never as storage_unavailable', async () => {
    const { token } = await newInstance();
    await new Promise<void>((resolve) => {
      const request = httpRequest(`${app.base}/v1/snapshots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '5000', authorization: `Bearer ${token}` },
      });
      request.on('error', () => resolve());
      request.write('{"schema":"deepclaw.snapshot/v1",');
      setTimeout(() => request.destroy(), 50);
    });
    await expect
      .poll(async () => (await (await fetch(`${app.base}/metrics`)).text()).match(/deepclaw_snapshots_rejected_total\{reason="client_aborted"\} (\d+)/)?.[1])
      .toBe('1');
    const metrics = await (await fetch(`${app.base}/metrics`)).text();
    expect(metrics).not.toMatch(/reason="storage_unavailable"/);
    expect(app.logs.join('\n')).not.toMatch(/"level":(50|60)/);
  });

  it('refuses bytes that are not UTF-8 with 400 malformed_utf8, and stores nothing', async () => {
    const { token, id } = await newInstance();
    const snapshot = buildSnapshot({ cronJobs: 1 });
    const [before, after] = JSON.stringify(snapshot).split(snapshot.cron[0]!.name);
    const body = Buffer.concat([Buffer.from(`${before}bad`), Buffer.from([0xff, 0xfe]), Buffer.from(`name${after}`)]);
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'malformed_utf8' });
    expect(await storedText(id)).toBe('');
  });

  it('answers every concurrent copy of one snapshot with the first answer', async () => {
    const { token, id } = await newInstance();
    const body = JSON.stringify(buildSnapshot());
    const answers = await Promise.all(Array.from({ length: 60 }, () => post(token, body).then((response) => response.json() as Promise<{ nextSyncBefore: string }>)));
    const deadlines = new Set(answers.map((answer) => answer.nextSyncBefore));
    expect(deadlines.size).toBe(1);
    const [row] = await sql<{ n: number; next_sync_before: Date }>('select count(*)::int as n, max(next_sync_before) as next_sync_before from snapshot where instance_id = ?', [id]);
    expect(row!.n).toBe(1);
    expect(new Date(row!.next_sync_before).toISOString()).toBe([...deadlines][0]);
  });
});
