/**
 * `deepclaw-agent` as operators run it — a real process — against a fake DeepClaw on 127.0.0.1:
 * each failure gives one clear line and its own documented exit code, the checks that need no
 * network happen before any, and the token is never printed.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyncToken } from '../../bot/tokens/sync-token-format.ts';
import { EXIT } from '../../agent/exit-codes.ts';
import { snapshotSchema } from '../../ingest/contract.ts';
import { closedPort } from './support/agent-harness.ts';
import { startFakeIngest, type FakeIngest } from './support/fake-ingest.ts';
import { copyFixtureState, REPO_ROOT, tempDir } from './support/openclaw-fixtures.ts';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

const TOKEN = generateSyncToken();

function runAgent(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
  // Only what the test gives: no DEEPCLAW_* or OPENCLAW_* from the developer's shell.
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DEEPCLAW_') && !key.startsWith('OPENCLAW_')));
  const child = spawn(process.execPath, [join(REPO_ROOT, 'agent', 'main.ts'), ...args], {
    env: { ...base, PATH: '', OPENCLAW_GATEWAY_PORT: '9', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`deepclaw-agent ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('deepclaw-agent, the process', () => {
  let ingest: FakeIngest;
  let stateDir: string;
  let work: string;
  const agentArgs = () => ['--openclaw-dir', stateDir, '--state-file', join(work, 'agent-state.json')];
  const sendEnv = () => ({ DEEPCLAW_API_URL: ingest.url, DEEPCLAW_SYNC_TOKEN: TOKEN });

  beforeAll(async () => {
    ingest = await startFakeIngest();
    stateDir = copyFixtureState('2026.9.6');
    work = tempDir();
  });
  afterAll(() => ingest.close());

  /** Runs the agent and checks what every run must satisfy: no token in the output. */
  async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Finished> {
    const finished = await runAgent(args, env);
    expect(finished.stdout + finished.stderr).not.toContain(TOKEN);
    expect(finished.stdout + finished.stderr).not.toContain(TOKEN.slice(4, 20));
    return finished;
  }

  it('sends one snapshot and exits 0, quietly, leaving its state file private', async () => {
    const before = ingest.requests.length;
    const finished = await run(agentArgs(), sendEnv());
    expect(finished).toMatchObject({ code: EXIT.ok, stdout: '', stderr: '' });
    const request = ingest.requests.at(-1)!;
    expect(ingest.requests.length).toBe(before + 1);
    expect(request).toMatchObject({ method: 'POST', path: '/v1/snapshots' });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toMatch(/^deepclaw-agent\/\d+\.\d+\.\d+$/);
    expect(snapshotSchema.parse(JSON.parse(request.body)).gateway.storage).toBe('sqlite');
    expect(statSync(join(work, 'agent-state.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(work, 'agent-state.json.lock'))).toBe(false);
  });

  it('says what it sent with --verbose', async () => {
    const finished = await run([...agentArgs(), '--verbose'], sendEnv());
    expect(finished.code).toBe(EXIT.ok);
    expect(finished.stdout).toMatch(/^deepclaw-agent: sent snapshot seq \d+ \(sqlite, gateway down, \d+ usage buckets, 7 cron jobs, 7 sessions\) in \d+ ms\n$/);
  });

  it('--print shows the exact JSON, and sends and writes nothing, with no token or URL needed', async () => {
    const before = ingest.requests.length;
    const stateFile = join(tempDir(), 'never-written.json');
    const finished = await run(['--print', '--openclaw-dir', stateDir, '--state-file', stateFile], {});
    expect(finished.code).toBe(EXIT.ok);
    expect(snapshotSchema.parse(JSON.parse(finished.stdout)).schema).toBe('deepclaw.snapshot/v1');
    expect(ingest.requests.length).toBe(before);
    expect(existsSync(stateFile)).toBe(false);
  });

  describe('refuses before any network, with its own exit code', () => {
    it.each([
      ['no token at all', {}, /no sync token: set DEEPCLAW_SYNC_TOKEN or pass --token-file/],
      ['a malformed token', { DEEPCLAW_SYNC_TOKEN: 'dcs_tooShort' }, /the token in DEEPCLAW_SYNC_TOKEN is not a DeepClaw sync token \(expected dcs_ and 49 letters and digits, got 12 characters in all\)/],
      ['a mistyped token', { DEEPCLAW_SYNC_TOKEN: TOKEN.slice(0, 10) + (TOKEN[10] === 'a' ? 'b' : 'a') + TOKEN.slice(11) }, /fails its checksum: a character was mistyped/],
    ])('exit 3 for %s', async (_case, tokenEnv, message) => {
      const before = ingest.requests.length;
      const finished = await run(agentArgs(), { DEEPCLAW_API_URL: ingest.url, ...tokenEnv });
      expect(finished.code).toBe(EXIT.token);
      expect(finished.stderr).toMatch(message);
      expect(finished.stderr.trim().split('\n')).toHaveLength(1);
      expect(ingest.requests.length).toBe(before);
    });

    it('exit 3 for a token file others can read; 0 once it is private', async () => {
      const tokenFile = join(tempDir(), 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      chmodSync(tokenFile, 0o644);
      const before = ingest.requests.length;
      const refused = await run([...agentArgs(), '--token-file', tokenFile], { DEEPCLAW_API_URL: ingest.url });
      expect(refused.code).toBe(EXIT.token);
      expect(refused.stderr).toContain(`the token file ${tokenFile} is readable by every user on this machine; run: chmod 600 ${tokenFile}`);
      expect(ingest.requests.length).toBe(before);

      chmodSync(tokenFile, 0o600);
      const accepted = await run([...agentArgs(), '--token-file', tokenFile], { DEEPCLAW_API_URL: ingest.url });
      expect(accepted.code).toBe(EXIT.ok);
      expect(ingest.requests.at(-1)!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it.each([
      ['no API URL', {}, /DEEPCLAW_API_URL is not set/],
      ['plain HTTP to another host', { DEEPCLAW_API_URL: 'http://deepclaw.example.com' }, /refusing to send the sync token over plain HTTP to deepclaw\.example\.com; use https:\/\//],
      ['a URL that is not one', { DEEPCLAW_API_URL: 'deepclaw dot example' }, /DEEPCLAW_API_URL is not a URL/],
    ])('exit 4 for %s', async (_case, urlEnv, message) => {
      const finished = await run(agentArgs(), { DEEPCLAW_SYNC_TOKEN: TOKEN, ...urlEnv });
      expect(finished.code).toBe(EXIT.apiUrl);
      expect(finished.stderr).toMatch(message);
    });

    it.each([
      [['--interval', 'often'], /--interval "often" is not a duration/],
      [['--interval', '5s'], /--interval must be between 10s and 1d, not 5s/],
      [['--print', '--loop'], /--print shows one snapshot; it cannot be combined with --loop/],
      [['--frobnicate'], /Unknown option '--frobnicate'/],
    ])('exit 2 for %j, with the usage', async (args, message) => {
      const finished = await run(args, sendEnv());
      expect(finished.code).toBe(EXIT.usage);
      expect(finished.stderr).toMatch(message);
      expect(finished.stderr).toContain('Usage: deepclaw-agent [options]');
    });

    it('exit 9 for an OpenClaw state directory that does not exist', async () => {
      const missing = join(tempDir(), 'nowhere');
      const finished = await run(['--openclaw-dir', missing, '--state-file', join(work, 's9.json')], sendEnv());
      expect(finished.code).toBe(EXIT.localState);
      expect(finished.stderr).toContain(`OpenClaw state directory not found: ${missing}`);
    });
  });

  it('exit 5 when the API cannot be reached', async () => {
    const port = await closedPort();
    const finished = await run([...agentArgs(), '--retry-for', '0s'], { DEEPCLAW_API_URL: `http://127.0.0.1:${port}`, DEEPCLAW_SYNC_TOKEN: TOKEN });
    expect(finished.code).toBe(EXIT.unreachable);
    expect(finished.stderr).toBe(`deepclaw-agent: error: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });

  it('exit 6 on 401, pointing at token rotation', async () => {
    ingest.script({ status: 401, body: { error: 'revoked_token', message: 'this token was revoked' } });
    const finished = await run(agentArgs(), sendEnv());
    expect(finished.code).toBe(EXIT.tokenRejected);
    expect(finished.stderr).toBe(
      'deepclaw-agent: error: the server refused the sync token (revoked_token): it was revoked, rotated or is wrong. ' +
        'Run /deepclaw rotate-token <instance> in chat (or deepclaw token rotate <instance>) and install the new token\n',
    );
  });

  it("exit 7 on 422, printing the server's failing paths", async () => {
    ingest.script({
      status: 422,
      body: { error: 'schema_violation', message: 'the snapshot does not match deepclaw.snapshot/v1', issues: [{ path: 'usage[3].costUsd', message: 'too big' }, { path: 'cron[0].name', message: 'too long' }] },
    });
    const finished = await run(agentArgs(), sendEnv());
    expect(finished.code).toBe(EXIT.snapshotRejected);
    expect(finished.stderr).toContain('the server refused the snapshot (422 schema_violation) at usage[3].costUsd, cron[0].name');
  });

  it('exit 8 when the server stays busy, after honouring Retry-After', async () => {
    ingest.script({ status: 503, body: { error: 'storage_unavailable', message: 'try later' }, headers: { 'retry-after': '3600' } });
    const finished = await run(agentArgs(), sendEnv());
    expect(finished.code).toBe(EXIT.serverBusy);
    // An hour's Retry-After is beyond a one-shot run's minute: it stops at once rather than hang.
    expect(finished.stderr).toContain('answered 503 (storage_unavailable): try later');
  });

  it('retries a 429 with the same snapshot after Retry-After, and exits 0 once accepted', async () => {
    const before = ingest.requests.length;
    ingest.script({ status: 429, body: { error: 'rate_limited', message: 'slow down' }, headers: { 'retry-after': '0' } });
    const finished = await run(agentArgs(), sendEnv());
    expect(finished.code).toBe(EXIT.ok);
    const [first, second] = ingest.requests.slice(before);
    expect(ingest.requests.length).toBe(before + 2);
    expect(second!.body).toBe(first!.body); // same snapshotId and seq: idempotent
  });

  it('stops a second agent on the same state file (exit 9) instead of interleaving', async () => {
    const stateFile = join(work, 'locked-state.json');
    writeFileSync(`${stateFile}.lock`, String(process.pid)); // this test process is alive
    const finished = await run(['--openclaw-dir', stateDir, '--state-file', stateFile], sendEnv());
    expect(finished.code).toBe(EXIT.localState);
    expect(finished.stderr).toContain(`another deepclaw-agent (pid ${process.pid}) is using ${stateFile}`);
    expect(readFileSync(`${stateFile}.lock`, 'utf8')).toBe(String(process.pid));
  });
});
