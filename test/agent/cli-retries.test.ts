/**
 * Retries, backoff and --loop, in-process with an injected clock (sleeps pass instantly and are
 * recorded) and randomness, against the fake DeepClaw on 127.0.0.1. Network failures that a
 * loopback server cannot produce (a reset connection) come from an injected fetch.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyncToken } from '../../bot/tokens/sync-token-format.ts';
import { runAgentCli } from '../../agent/cli.ts';
import { EXIT } from '../../agent/exit-codes.ts';
import type { Fetch } from '../../agent/ingest-client.ts';
import { closedPort, fakeClock } from './support/agent-harness.ts';
import { startFakeIngest, type FakeIngest } from './support/fake-ingest.ts';
import { copyFixtureState, FIXTURE_NOW, tempDir } from './support/openclaw-fixtures.ts';

const TOKEN = generateSyncToken();

function connectionReset(): Promise<Response> {
  return Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNRESET', message: 'socket hang up' } }));
}

describe('deepclaw-agent retries and --loop', () => {
  let ingest: FakeIngest;
  let stateDir: string;
  let gatewayPort: number;

  beforeAll(async () => {
    ingest = await startFakeIngest();
    ingest.serverTime = () => FIXTURE_NOW;
    stateDir = copyFixtureState('2026.5.7');
    gatewayPort = await closedPort();
  });
  afterAll(() => ingest.close());

  async function run(argv: string[], options: { fetch?: Fetch; random?: () => number; signal?: AbortSignal; clock?: ReturnType<typeof fakeClock> } = {}) {
    let stdout = '';
    let stderr = '';
    const clock = options.clock ?? fakeClock();
    const code = await runAgentCli(['--openclaw-dir', stateDir, '--state-file', join(tempDir(), 'state.json'), ...argv], {
      env: { DEEPCLAW_API_URL: ingest.url, DEEPCLAW_SYNC_TOKEN: TOKEN, PATH: '', OPENCLAW_GATEWAY_PORT: String(gatewayPort) },
      clock,
      random: options.random ?? (() => 0),
      fetch: options.fetch ?? globalThis.fetch,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      signal: options.signal,
      tuning: { gatewayTimeoutMs: 200 },
    });
    return { code, stdout, stderr, sleeps: clock.sleeps };
  }

  it("waits exactly the server's Retry-After (plus jitter) and resends the identical snapshot", async () => {
    const before = ingest.requests.length;
    const busy = { status: 503, body: { error: 'storage_unavailable', message: 'busy' }, headers: { 'retry-after': '7' } };
    ingest.script(busy, busy);
    const withoutJitter = await run([]);
    expect(withoutJitter).toMatchObject({ code: EXIT.ok, sleeps: [7000, 7000] });
    const bodies = ingest.requests.slice(before).map((request) => request.body);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);

    ingest.script(busy);
    // Jitter on top of Retry-After: up to a fifth of it, so agents told the same do not return together.
    expect((await run([], { random: () => 1 })).sleeps).toEqual([8400]);
  });

  it('backs off exponentially with jitter on network errors, then succeeds', async () => {
    let calls = 0;
    const flaky: Fetch = (input, init) => (++calls <= 3 ? connectionReset() : globalThis.fetch(input, init));
    expect(await run([], { fetch: flaky, random: () => 1 })).toMatchObject({ code: EXIT.ok, sleeps: [2000, 4000, 8000] });
    calls = 0;
    expect((await run([], { fetch: flaky, random: () => 0 })).sleeps).toEqual([1000, 2000, 4000]);
  });

  it('gives up within its retry budget with the exit code of the last failure', async () => {
    const alwaysDown: Fetch = () => connectionReset();
    const result = await run(['--retry-for', '10s'], { fetch: alwaysDown, random: () => 1 });
    expect(result.code).toBe(EXIT.unreachable);
    expect(result.sleeps).toEqual([2000, 4000]); // a third wait (8 s) would pass the 10 s budget
    expect(result.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNRESET\n$/);

    for (let attempt = 0; attempt < 4; attempt += 1) ingest.script({ status: 502, body: { error: 'bad_gateway', message: 'proxy' } });
    const busy = await run([], { random: () => 1 });
    expect(busy).toMatchObject({ code: EXIT.serverBusy, sleeps: [2000, 4000, 8000] });
    expect(busy.stderr).toContain('answered 502 (bad_gateway): proxy');
  });

  it.each([
    [{ status: 301, headers: { location: 'http://elsewhere.example/v1/snapshots' } }, EXIT.apiUrl, 'answered with a redirect (301 to http://elsewhere.example/v1/snapshots); set DEEPCLAW_API_URL to the final address'],
    [{ status: 404, body: { error: 'not_found', message: 'no route' } }, EXIT.apiUrl, '/v1/snapshots (404); check DEEPCLAW_API_URL'],
    [{ status: 413, body: { error: 'too_large', message: 'at most 524288 bytes' } }, EXIT.snapshotRejected, 'the server refused the snapshot (413 too_large): at most 524288 bytes'],
    [{ status: 415, body: { error: 'unsupported_media_type', message: 'send JSON' } }, EXIT.snapshotRejected, '(415 unsupported_media_type): send JSON'],
    [{ status: 400, body: { error: 'malformed_json', message: 'bad JSON' } }, EXIT.snapshotRejected, '(400 malformed_json): bad JSON'],
  ])('does not retry a final answer: %j', async (answer, exitCode, message) => {
    const before = ingest.requests.length;
    ingest.script(answer);
    const result = await run([]);
    expect(result.code).toBe(exitCode);
    expect(result.stderr).toContain(message);
    expect(result.sleeps).toEqual([]);
    expect(ingest.requests.length).toBe(before + 1);
  });

  it("warns when this machine's clock is far from the server's", async () => {
    ingest.serverTime = () => FIXTURE_NOW - 10 * 60_000;
    try {
      const result = await run([]);
      expect(result.code).toBe(EXIT.ok);
      expect(result.stderr).toContain("this machine's clock is 10 min ahead of the server's");
    } finally {
      ingest.serverTime = () => FIXTURE_NOW;
    }
  });

  it('--loop keeps going through 401, 422, 503 and network errors, backing off, until stopped', async () => {
    const stop = new AbortController();
    const before = ingest.requests.length;
    ingest.script(
      { status: 401, body: { error: 'unknown_token', message: 'no such token' } },
      { status: 422, body: { error: 'schema_violation', message: 'no', issues: [{ path: 'usage[0].hour', message: 'x' }] } },
      { status: 503, body: { error: 'storage_unavailable', message: 'busy' }, headers: { 'retry-after': '30' } },
    );
    let calls = 0;
    const fetchThenStop: Fetch = async (input, init) => {
      calls += 1;
      if (calls === 4) return connectionReset();
      const response = await globalThis.fetch(input, init);
      if (calls === 6) stop.abort();
      return response;
    };
    const clock = fakeClock();
    ingest.serverTime = () => clock.now();
    const result = await run(['--loop', '--interval', '2m'], { fetch: fetchThenStop, signal: stop.signal, clock }).finally(() => {
      ingest.serverTime = () => FIXTURE_NOW;
    });
    expect(result.code).toBe(EXIT.ok);
    // 401 and 422 wait the interval; 503 waits its Retry-After; the network error backs off (2nd failure
    // in a row: up to 4 s, half of it fixed); success waits the interval again.
    expect(result.sleeps).toEqual([120_000, 120_000, 30_000, 2000, 120_000]);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(4);
    expect(errors[0]).toContain('(unknown_token)');
    expect(errors[1]).toContain('usage[0].hour');
    expect(errors[2]).toContain('503');
    expect(errors[3]).toContain('ECONNRESET');
    expect(ingest.requests.length).toBe(before + 5);
    // Each loop round is a new snapshot with a larger seq.
    const seqs = ingest.requests.slice(before).map((request) => JSON.parse(request.body).seq as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(5);
  });
});
