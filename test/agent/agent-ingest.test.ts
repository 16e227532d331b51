/**
 * End to end: the agent on each real OpenClaw fixture, sending to the real ingest (Koa app, token
 * checks, validation, storage) on the test database, and what the service then holds — usage
 * totals equal to the raw transcripts' sums, the cron jobs, the instance state. Then an append,
 * a second sync, and totals grown by exactly the appended usage; then a rotated token, refused.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addInstance } from '../../bot/instances/instances.ts';
import { rotateSyncToken } from '../../bot/tokens/sync-tokens.ts';
import { findWorkspace } from '../../bot/workspaces/workspaces.ts';
import { runAgentCli } from '../../agent/cli.ts';
import { EXIT } from '../../agent/exit-codes.ts';
import { usageWindowStart } from '../../agent/usage-ledger.ts';
import { describeStorage } from '../support/databases.ts';
import { startTestApp, type RunningApp } from '../support/ingest-app.ts';
import { ALICE_AT_CLI } from '../support/personas.ts';
import { closedPort, fakeClock } from './support/agent-harness.ts';
import { expectedCron, expectedUsage, type ExpectedBucket } from './support/expected-figures.ts';
import { copyFixtureState, FIXTURE_ERA, FIXTURE_NOW, FIXTURE_VERSIONS, tempDir } from './support/openclaw-fixtures.ts';

/** What the service stored has the same shape as what the raw files say. */
type StoredUsage = ExpectedBucket;

describeStorage('the agent against the real ingest', (db) => {
  let app: RunningApp;
  let gatewayPort: number;

  beforeAll(async () => {
    app = await startTestApp(db());
    app.setNow(new Date(FIXTURE_NOW));
    gatewayPort = await closedPort();
  });
  afterAll(() => app.close());

  async function newInstance(name: string) {
    const em = db().database.orm.em.fork();
    const workspace = await findWorkspace(em);
    const added = await addInstance(em, { workspace, name, actor: ALICE_AT_CLI, now: new Date(FIXTURE_NOW) });
    return { id: added.instance.id, token: added.token };
  }

  async function runAgent(stateDir: string, statePath: string, token: string, nowMs = FIXTURE_NOW) {
    let stderr = '';
    const code = await runAgentCli(['--openclaw-dir', stateDir, '--state-file', statePath, '--retry-for', '0s'], {
      env: { DEEPCLAW_API_URL: app.base, DEEPCLAW_SYNC_TOKEN: token, PATH: '', OPENCLAW_GATEWAY_PORT: String(gatewayPort) },
      clock: fakeClock(nowMs),
      random: () => 0,
      fetch: globalThis.fetch,
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      tuning: { gatewayTimeoutMs: 200 },
    });
    return { code, stderr };
  }

  async function storedUsage(instanceId: string): Promise<StoredUsage[]> {
    const rows = await db()
      .database.orm.em.getConnection()
      .execute(
        `select hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost
           from usage_hourly where instance_id = ? order by hour, model`,
        [instanceId],
      );
    return rows.map((row: Record<string, unknown>) => ({
      hour: new Date(row.hour as string).toISOString(),
      model: row.model as string,
      runs: Number(row.runs),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      cacheReadTokens: Number(row.cache_read_tokens),
      cacheWriteTokens: Number(row.cache_write_tokens),
      costUsd: Number(row.cost_usd),
      errors: Number(row.errors),
      missingCost: Number(row.missing_cost),
    }));
  }

  function withoutCost<T extends { costUsd: number }>(rows: T[]) {
    return rows.map(({ costUsd, ...rest }) => rest);
  }

  it.each(FIXTURE_VERSIONS)('stores the usage, cron jobs and state of OpenClaw %s exactly', async (version) => {
    const stateDir = copyFixtureState(version);
    const statePath = join(tempDir(), 'agent-state.json');
    const instance = await newInstance(`fixture-${version.replaceAll('.', '-')}`);

    const first = await runAgent(stateDir, statePath, instance.token);
    expect(first).toEqual({ code: EXIT.ok, stderr: '' });

    const expected = expectedUsage(stateDir, usageWindowStart(FIXTURE_NOW));
    const stored = await storedUsage(instance.id);
    expect(withoutCost(stored)).toEqual(withoutCost(expected));
    stored.forEach((row, index) => expect(row.costUsd).toBeCloseTo(expected[index]!.costUsd, 9));

    const connection = db().database.orm.em.getConnection();
    const jobs = await connection.execute('select job_id, name, last_status, consecutive_errors from cron_job where instance_id = ? order by job_id', [instance.id]);
    const expectedJobs = expectedCron(stateDir).sort((a, b) => a.id.localeCompare(b.id));
    expect(jobs.map((job: Record<string, unknown>) => [job.job_id, job.name, job.last_status ?? undefined, Number(job.consecutive_errors)])).toEqual(
      expectedJobs.map((job) => [job.id, job.name, job.state.lastRunStatus ?? job.state.lastStatus, job.state.consecutiveErrors ?? 0]),
    );
    const [state] = await connection.execute('select gateway, sessions from instance_state where instance_id = ?', [instance.id]);
    expect(state!.gateway).toMatchObject({ storage: FIXTURE_ERA[version], live: false });
    expect(state!.sessions.total).toBeGreaterThan(0);

    // The gateway keeps working: a model call lands in an existing hour bucket.
    if (FIXTURE_ERA[version] !== 'sqlite') {
      const transcript = join(stateDir, 'agents', 'main', 'sessions', version === '2026.5.7' ? '04e5849b-2227-4437-bb50-071359db773c.jsonl' : '1f8ce01c-f53d-4698-b3b8-1626d78398dc.jsonl');
      appendFileSync(
        transcript,
        `${JSON.stringify({
          type: 'message',
          id: 'e2e00001',
          timestamp: '2026-11-21T20:50:00.000Z',
          message: { role: 'assistant', provider: 'fakellm', model: 'fake-model', usage: { input: 1234, output: 56, cacheRead: 0, cacheWrite: 0, cost: { total: 0.5 } }, stopReason: 'stop' },
        })}\n`,
      );
      const second = await runAgent(stateDir, statePath, instance.token, FIXTURE_NOW + 10 * 60_000);
      expect(second.code).toBe(EXIT.ok);
      const grown = await storedUsage(instance.id);
      const before = stored.find((row) => row.model === 'fakellm/fake-model')!;
      const after = grown.find((row) => row.model === 'fakellm/fake-model')!;
      expect([after.runs - before.runs, after.inputTokens - before.inputTokens, after.outputTokens - before.outputTokens]).toEqual([1, 1234, 56]);
      expect(after.costUsd - before.costUsd).toBeCloseTo(0.5, 9);
    }
  });

  it('is refused with exit 6 once its token is rotated, and pointed at rotation', async () => {
    const stateDir = copyFixtureState('2026.9.6');
    const statePath = join(tempDir(), 'agent-state.json');
    const instance = await newInstance('rotated-vps');
    expect((await runAgent(stateDir, statePath, instance.token)).code).toBe(EXIT.ok);

    const em = db().database.orm.em.fork();
    const rotated = await rotateSyncToken(em, { workspace: await findWorkspace(em), instanceName: 'rotated-vps', actor: ALICE_AT_CLI, now: new Date(FIXTURE_NOW) });
    const refused = await runAgent(stateDir, statePath, instance.token);
    expect(refused.code).toBe(EXIT.tokenRejected);
    expect(refused.stderr).toContain('the server refused the sync token (revoked_token)');
    expect(refused.stderr).toContain('/deepclaw rotate-token');

    expect((await runAgent(stateDir, statePath, rotated.token)).code).toBe(EXIT.ok);
  });
});
