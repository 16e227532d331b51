import { request as httpRequest } from 'node:http';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cli } from '../../test/support/cli.ts';
import { describeStorage } from '../../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../../test/support/ingest-app.ts';
import { minutesAfter } from '../../test/support/personas.ts';
import { buildSnapshot } from '../../test/support/snapshot-factory.ts';
import { generateSyncToken } from '../../bot/tokens/sync-token-format.ts';
import type { Snapshot } from '../contract.ts';

describeStorage('POST /v1/snapshots', (db) => {
  let app: RunningApp;
  let counter = 0;

  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 1000 });
  });
  afterAll(() => app.close());

  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    db().database.orm.em.getConnection().execute<T[]>(text, params);
  const run = (argv: string[]) => cli(argv, { env: { DATABASE_URL: db().url } });

  /** A fresh instance and its token. */
  async function newInstance(): Promise<{ name: string; token: string; id: string }> {
    const name = `vps-${++counter}`;
    const { token } = (await run(['instance', 'add', name, '--json'])).json();
    const [row] = await sql<{ id: string }>('select id from instance where name = ?', [name]);
    return { name, token, id: row!.id };
  }

  function post(token: string | undefined, body: unknown, headers: Record<string, string> = {}) {
    return fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function stored(instanceId: string) {
    const [snapshots] = await sql<{ n: number }>('select count(*)::int as n from snapshot where instance_id = ?', [instanceId]);
    const usage = await sql<{ model: string; runs: string; cost_usd: number; input_tokens: string }>(
      'select model, runs, cost_usd, input_tokens, hour from usage_hourly where instance_id = ? order by hour, model',
      [instanceId],
    );
    const [state] = await sql<{ last_seq: string; last_snapshot_id: string; gateway: { live: boolean } }>(
      'select * from instance_state where instance_id = ?',
      [instanceId],
    );
    const cron = await sql<{ job_id: string; last_status: string }>('select job_id, last_status from cron_job where instance_id = ? order by job_id', [instanceId]);
    return { snapshots: snapshots!.n, usage, state, cron };
  }

  async function totalRows(): Promise<number> {
    const [row] = await sql<{ n: number }>(
      'select ((select count(*) from snapshot) + (select count(*) from usage_hourly) + (select count(*) from cron_job) + (select count(*) from instance_state))::int as n',
    );
    return row!.n;
  }

  // Error bodies are read loosely: each test asserts the fields it cares about.
  async function expectError(response: Response, status: number, error: string): Promise<any> {
    expect(response.status).toBe(status);
    const body = await response.json();
    expect(body).toMatchObject({ error, message: expect.any(String) });
    return body;
  }

  it('accepts a snapshot with 202, the next deadline and the server clock, and stores all of it', async () => {
    const { token, id } = await newInstance();
    const now = new Date('2026-11-21T20:40:00Z');
    app.setNow(now);
    const snapshot = buildSnapshot({ sentAt: minutesAfter(now, -1), hours: 2, cronJobs: 3 });
    const response = await post(token, snapshot);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: true,
      nextSyncBefore: '2026-11-21T20:50:00.000Z', // interval 5 min + grace 5 min
      serverTime: '2026-11-21T20:40:00.000Z',
    });
    const data = await stored(id);
    expect(data.snapshots).toBe(1);
    expect(data.usage).toHaveLength(4);
    expect(data.cron.map((c) => c.job_id)).toEqual(['job-1', 'job-2', 'job-3']);
    expect(data.state).toMatchObject({ last_seq: '1', last_snapshot_id: snapshot.snapshotId, clock_skew_ms: '60000', gateway: { live: true } });
    const [history] = await sql<{ body: Buffer }>('select body from snapshot where snapshot_id = ?', [snapshot.snapshotId]);
    expect(JSON.parse(inflateRawSync(history!.body).toString())).toEqual(snapshot);
    app.setNow(new Date());
  });

  it.each([
    ['no Authorization header', undefined, 'missing_token'],
    ['a Basic header', 'Basic abc', 'malformed_token'],
    ['a bearer that is no sync token', 'Bearer hello', 'malformed_token'],
  ])('answers 401 for %s, before reading anything', async (_, header, code) => {
    const response = await fetch(`${app.base}/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { authorization: header } : {}) },
      body: JSON.stringify(buildSnapshot()),
    });
    await expectError(response, 401, code);
  });

  it('answers 401 bad_token_checksum for a mistyped token', async () => {
    const { token } = await newInstance();
    const typo = token.slice(0, 12) + (token[12] === 'a' ? 'b' : 'a') + token.slice(13);
    const body = await expectError(await post(typo, buildSnapshot()), 401, 'bad_token_checksum');
    expect(JSON.stringify(body)).not.toContain(typo);
  });

  it('answers 401 unknown_token for a well-formed token nobody issued, and writes nothing', async () => {
    const before = await totalRows();
    const body = await expectError(await post(generateSyncToken(), buildSnapshot()), 401, 'unknown_token');
    expect(body.message).toContain('rotate-token');
    expect(await totalRows()).toBe(before);
  });

  it('refuses a revoked token on the very next request', async () => {
    const { name, token, id } = await newInstance();
    expect((await post(token, buildSnapshot({ seq: 1 }))).status).toBe(202);
    await run(['token', 'revoke', name]);
    await expectError(await post(token, buildSnapshot({ seq: 2 })), 401, 'revoked_token');
    expect((await stored(id)).snapshots).toBe(1);
  });

  it('keeps a rotated token working through its grace, then answers expired_token', async () => {
    const { name, token } = await newInstance();
    const rotated = (await run(['token', 'rotate', name, '--grace', '15m', '--json'])).json();
    app.setNow(minutesAfter(new Date(), 10));
    expect((await post(token, buildSnapshot({ seq: 1 }))).status).toBe(202);
    app.setNow(minutesAfter(new Date(), 16));
    await expectError(await post(token, buildSnapshot({ seq: 2 })), 401, 'expired_token');
    expect((await post(rotated.token, buildSnapshot({ seq: 3 }))).status).toBe(202);
    app.setNow(new Date());
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const { token } = await newInstance();
    await expectError(await post(token, JSON.stringify(buildSnapshot()), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
  });

  it('answers 413 for a declared length over 512 KiB', async () => {
    const { token } = await newInstance();
    await expectError(await post(token, `{"pad":"${'x'.repeat(600 * 1024)}"}`), 413, 'payload_too_large');
  });

  it('cuts a 50 MB streamed upload off early instead of reading it', async () => {
    const { token } = await newInstance();
    const url = new URL(`${app.base}/v1/snapshots`);
    const result = await new Promise<{ status: number; sentBytes: number; body: string }>((resolve, reject) => {
      let sentBytes = 0;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, sentBytes, body }));
        },
      );
      req.on('error', (error) => (sentBytes > 0 ? undefined : reject(error)));
      const pump = () => {
        while (sentBytes < 50 * 1024 * 1024) {
          sentBytes += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      req.write('{"pad":"');
      pump();
    });
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toBe('payload_too_large');
    expect(result.sentBytes).toBeLessThan(20 * 1024 * 1024);
  });

  it('answers 400 for malformed JSON without quoting it', async () => {
    const { token } = await newInstance();
    const body = await expectError(await post(token, '{"schema": "deepclaw.snapshot/v1", xoxb-1234567890-abcdefghij'), 400, 'malformed_json');
    expect(body.message).not.toContain('xoxb');
  });

  it('answers 422 with every failing JSON path, and writes nothing', async () => {
    const { token, id } = await newInstance();
    const snapshot = buildSnapshot();
    const bad = {
      ...snapshot,
      extra: true,
      usage: [{ ...snapshot.usage[0], costUsd: -1, hour: '2026-11-21T20:30:00Z' }],
      cron: [{ ...snapshot.cron[0], lastStatus: 'maybe' }],
    };
    const body = await expectError(await post(token, bad), 422, 'schema_violation');
    expect(body.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['', 'usage[0].hour', 'usage[0].costUsd', 'cron[0].lastStatus']),
    );
    expect((await stored(id)).snapshots).toBe(0);
  });

  it.each([
    ['a sync token', () => generateSyncToken()],
    ['an OpenAI key', () => 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789'],
    ['an Anthropic key', () => 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345'],
    ['a Slack bot token', () => 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
    ['a Discord bot token', () => 'MTA4NjM0NTY3ODkwMTIzNDU2Nw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a Telegram bot token', () => '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1'],
    ['a GitHub token', () => 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['an AWS access key', () => 'AKIAIOSFODNN7EXAMPLE'],
    ['a PEM private key', () => '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA'],
  ])('refuses %s in any string with 422 secret_detected, never echoing or logging it, and audits it', async (_, secret) => {
    const { name, token, id } = await newInstance();
    const value = secret();
    const snapshot = buildSnapshot({ cronJobs: 2 });
    snapshot.cron[1]!.name = `nightly ${value}`;
    const response = await post(token, snapshot);
    const text = await response.text();
    expect(response.status).toBe(422);
    expect(JSON.parse(text)).toMatchObject({ error: 'secret_detected', path: 'cron[1].name' });
    expect(text).not.toContain(value.slice(0, 16));
    expect(app.logs.join('\n')).not.toContain(value.slice(0, 16));
    expect((await stored(id)).snapshots).toBe(0);
    const [audit] = await sql<{ action: string; details: { path: string; secretKind: string } }>(
      "select action, details from audit_log where subject = ? and action = 'snapshot.secret_rejected'",
      [name],
    );
    expect(audit!.details.path).toBe('cron[1].name');
    expect(JSON.stringify(audit)).not.toContain(value.slice(0, 16));
    expect(await app.metrics.secretsDetected.get()).toMatchObject({ values: expect.arrayContaining([expect.objectContaining({ labels: { kind: audit!.details.secretKind } })]) });
  });

  it('finds a secret hidden behind \\u escapes or in a key, without echoing the key', async () => {
    const { token } = await newInstance();
    const escaped = JSON.stringify(buildSnapshot()).replace('"nightly report 1"', '"\\u0078oxb-1234567890-1234567890123-AbCdEfGhIjKl"');
    expect((await expectError(await post(token, escaped), 422, 'secret_detected')).path).toBe('cron[0].name');
    const inKey = buildSnapshot();
    inKey.sessions.byChannel = { 'xoxb-1234567890-1234567890123-AbCdEfGhIjKl': 1 };
    const body = await expectError(await post(token, inKey), 422, 'secret_detected');
    expect(body.path).toBe('sessions.byChannel.<key>');
    expect(JSON.stringify(body)).not.toContain('xoxb-1234567890');
  });

  it('refuses text Postgres cannot store (NUL, lone surrogates) with 422 instead of failing later', async () => {
    const { token, id } = await newInstance();
    const nul = JSON.stringify(buildSnapshot()).replace('"nightly report 1"', '"night\\u0000ly"');
    expect((await expectError(await post(token, nul), 422, 'schema_violation')).issues[0].path).toBe('cron[0].name');
    const surrogate = JSON.stringify(buildSnapshot()).replace('"nightly report 1"', '"\\ud800"');
    await expectError(await post(token, surrogate), 422, 'schema_violation');
    expect((await stored(id)).snapshots).toBe(0);
  });

  it('answers a replayed snapshotId with the first answer and writes nothing, even if the body changed', async () => {
    const { token, id } = await newInstance();
    const first = buildSnapshot({ seq: 1 });
    app.setNow(new Date('2026-11-21T20:00:00Z'));
    const firstAnswer = (await (await post(token, first)).json()) as { nextSyncBefore: string };
    app.setNow(new Date('2026-11-21T20:03:00Z'));
    const changed: Snapshot = { ...first, usage: first.usage.map((b) => ({ ...b, runs: b.runs + 100 })), gateway: { ...first.gateway, live: false } };
    const replay = await post(token, changed);
    expect(replay.status).toBe(202);
    expect(((await replay.json()) as { nextSyncBefore: string }).nextSyncBefore).toBe(firstAnswer.nextSyncBefore);
    const data = await stored(id);
    expect(data.snapshots).toBe(1);
    expect(data.state!.gateway.live).toBe(true);
    expect(Math.max(...data.usage.map((u) => Number(u.runs)))).toBeLessThan(100);
    app.setNow(new Date());
  });

  it('answers two copies of one snapshot sent at the same moment with one answer, storing it once', async () => {
    const { token, id } = await newInstance();
    const snapshot = buildSnapshot();
    const answers = await Promise.all([post(token, snapshot), post(token, snapshot), post(token, snapshot)]);
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as { nextSyncBefore: string }[];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(bodies.map((b) => b.nextSyncBefore)).size).toBe(1);
    expect((await stored(id)).snapshots).toBe(1);
  });

  it('never rolls state back for an older seq, but merges its usage by maximum', async () => {
    const { token, id } = await newInstance();
    const sentAt = new Date('2026-11-21T20:30:00Z');
    const newer = buildSnapshot({ seq: 10, sentAt, growth: 2, cronJobs: 2 });
    const older = buildSnapshot({ seq: 9, sentAt: minutesAfter(sentAt, -5), growth: 1, cronJobs: 3 });
    older.usage.push({ ...older.usage[0]!, hour: '2026-11-21T10:00:00Z' });
    older.gateway.live = false;
    expect((await post(token, newer)).status).toBe(202);
    expect((await post(token, older)).status).toBe(202);
    const data = await stored(id);
    expect(data.state).toMatchObject({ last_seq: '10', last_snapshot_id: newer.snapshotId, gateway: { live: true } });
    expect(data.cron.map((c) => c.job_id)).toEqual(['job-1', 'job-2']);
    expect(data.usage.some((u) => Number(u.runs) === older.usage[0]!.runs)).toBe(true); // the old-only hour arrived
    const newest = data.usage.filter((u) => (u as unknown as { hour: string }).hour !== '2026-11-21 10:00:00+00');
    expect(newest.map((u) => Number(u.runs)).sort()).toEqual(newer.usage.map((b) => b.runs).sort());
  });

  it('lets a restarted agent (lower seq, later sentAt) move state forward again', async () => {
    const { token, id } = await newInstance();
    const sentAt = new Date('2026-11-21T20:30:00Z');
    await post(token, buildSnapshot({ seq: 500, sentAt }));
    const restarted = buildSnapshot({ seq: 1, sentAt: minutesAfter(sentAt, 5) });
    restarted.gateway.version = '2026.10.1';
    await post(token, restarted);
    expect((await stored(id)).state).toMatchObject({ last_seq: '1', gateway: { version: '2026.10.1' } });
  });

  it('lowers no cumulative usage figure when a later snapshot carries less', async () => {
    const { token, id } = await newInstance();
    const sentAt = new Date('2026-11-21T20:30:00Z');
    await post(token, buildSnapshot({ seq: 1, sentAt, growth: 3 }));
    await post(token, buildSnapshot({ seq: 2, sentAt: minutesAfter(sentAt, 5), growth: 1 }));
    const data = await stored(id);
    const expected = buildSnapshot({ sentAt, growth: 3 }).usage.map((b) => b.inputTokens).sort((a, b) => a - b);
    expect(data.usage.map((u) => Number(u.input_tokens)).sort((a, b) => a - b)).toEqual(expected);
  });

  it('drops cron jobs a newer snapshot no longer lists', async () => {
    const { token, id } = await newInstance();
    const sentAt = new Date('2026-11-21T20:30:00Z');
    await post(token, buildSnapshot({ seq: 1, sentAt, cronJobs: 3 }));
    const next = buildSnapshot({ seq: 2, sentAt: minutesAfter(sentAt, 5), cronJobs: 1 });
    next.cron[0]!.lastStatus = 'error';
    next.cron[0]!.lastErrorReason = 'rate_limit';
    await post(token, next);
    expect((await stored(id)).cron).toEqual([{ job_id: 'job-1', last_status: 'error' }]);
  });

  it("keeps two instances' data apart: a token writes only for its own instance", async () => {
    const a = await newInstance();
    const b = await newInstance();
    const snapshot = buildSnapshot({ seq: 1 });
    expect((await post(a.token, snapshot)).status).toBe(202);
    // The same snapshotId from the other instance is its own snapshot, not a replay.
    expect((await post(b.token, { ...snapshot, gateway: { ...snapshot.gateway, live: false } })).status).toBe(202);
    expect((await stored(a.id)).state!.gateway.live).toBe(true);
    expect((await stored(b.id)).state!.gateway.live).toBe(false);
    expect((await stored(a.id)).snapshots).toBe(1);
  });

  it('loses no update when one instance sends many snapshots at once', async () => {
    const { token, id } = await newInstance();
    const sentAt = new Date('2026-11-21T20:30:00Z');
    const snapshots = Array.from({ length: 24 }, (_, i) => buildSnapshot({ seq: i + 1, sentAt: minutesAfter(sentAt, i), growth: 1 + i / 10 }));
    const answers = await Promise.all(snapshots.map((s) => post(token, s)));
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const data = await stored(id);
    expect(data.snapshots).toBe(24);
    expect(data.state).toMatchObject({ last_seq: '24', last_snapshot_id: snapshots[23]!.snapshotId });
    const largest = snapshots[23]!.usage.map((b) => b.runs).sort((x, y) => x - y);
    expect(data.usage.map((u) => Number(u.runs)).sort((x, y) => x - y)).toEqual(largest);
  });

  it('stores the snapshots of a paused instance', async () => {
    const { name, token, id } = await newInstance();
    await run(['instance', 'pause', name]);
    expect((await post(token, buildSnapshot())).status).toBe(202);
    expect((await stored(id)).snapshots).toBe(1);
  });

  it('answers 503 storage_unavailable with Retry-After while the database is gone, and 202 once it is back', async () => {
    const { token, id } = await newInstance();
    await db().proxy.cut();
    try {
      const body = await expectError(await post(token, buildSnapshot({ seq: 1 })), 503, 'storage_unavailable');
      expect(body.message).not.toMatch(/127\.0\.0\.1|ECONN/);
    } finally {
      await db().proxy.restore();
    }
    await expect.poll(async () => (await post(token, buildSnapshot({ seq: 2 }))).status, { timeout: 15_000 }).toBe(202);
    expect((await stored(id)).snapshots).toBeGreaterThanOrEqual(1);
  });

  it('counts accepted and rejected snapshots by reason and observes latency', async () => {
    const text = await (await fetch(`${app.base}/metrics`)).text();
    expect(text).toMatch(/^deepclaw_snapshots_accepted_total\{replay="false"\} \d+$/m);
    expect(text).toMatch(/^deepclaw_snapshots_rejected_total\{reason="unknown_token"\} \d+$/m);
    expect(text).toMatch(/^deepclaw_ingest_duration_seconds_count\{result="accepted"\} \d+$/m);
  });
});

describeStorage('POST /v1/snapshots when the database hangs', (db) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(db(), { requestTimeoutMs: 1000 });
  });
  afterAll(() => app.close());

  it('answers 503 within the request timeout instead of hanging, and recovers', async () => {
    const { token } = (await cli(['instance', 'add', 'hung', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const send = (seq: number) =>
      fetch(`${app.base}/v1/snapshots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(buildSnapshot({ seq })),
      });
    db().proxy.stall();
    const started = Date.now();
    let response: Response;
    try {
      response = await send(1);
    } finally {
      await db().proxy.restore();
    }
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toBe('storage_unavailable');
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(async () => (await send(2)).status, { timeout: 15_000 }).toBe(202);
  });
});

describeStorage('POST /v1/snapshots rate limit', (db) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp(db(), { rateLimitBurst: 3, rateLimitRefillSeconds: 10 });
  });
  afterAll(() => app.close());

  it('answers 429 with Retry-After past the burst, and lets the token in again once it refills', async () => {
    const { token } = (await cli(['instance', 'add', 'chatty', '--json'], { env: { DATABASE_URL: db().url } })).json();
    const start = new Date('2026-11-21T20:00:00Z');
    app.setNow(start);
    const send = (seq: number) =>
      fetch(`${app.base}/v1/snapshots`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(buildSnapshot({ seq })),
      });
    for (let seq = 1; seq <= 3; seq++) expect((await send(seq)).status).toBe(202);
    const limited = await send(4);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    app.setNow(new Date(start.getTime() + 10_000));
    expect((await send(5)).status).toBe(202);
  });
});
