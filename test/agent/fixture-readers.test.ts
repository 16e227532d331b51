/**
 * The readers on real OpenClaw state of every storage era, checked against figures computed
 * independently from the raw files (test/agent/support/expected-figures.ts) and against the
 * activity each fixture's README.txt records.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema } from '../../ingest/contract.ts';
import { usageWindowStart } from '../../agent/usage-ledger.ts';
import { collect, fakeOpenClawInstall, startFakeGateway, type FakeGateway } from './support/agent-harness.ts';
import { expectedCron, expectedSessions, expectedUsage } from './support/expected-figures.ts';
import { copyFixtureState, FIXTURE_ERA, FIXTURE_NOW, FIXTURE_VERSIONS, fixtureFile, type FixtureVersion } from './support/openclaw-fixtures.ts';

/** Model-call input tokens of fakellm/fake-model, added up from each README.txt's turns and cron runs. */
const README_FAKE_MODEL_INPUT: Record<FixtureVersion, number> = {
  '2026.5.7': 7801 + 7831 + 7801 + 6734 + 6734 + 6730,
  '2026.7.35': 8269 + 8297 + 8275 + 9951 + 9951 + 9948,
  // 2026.9.6: fixture-cron-expr also ran once on its own schedule, so three runs of it.
  '2026.9.6': 7655 + 7682 + 7482 + 6628 + 6628 + 6628 + 6625,
};

const DAY_MS = 86_400_000;

/** Path -> content hash and mtime of every file under `dir`, SQLite's -wal/-shm companions aside. */
function fingerprint(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const relative = join(prefix, entry.name);
    if (entry.isDirectory()) Object.assign(files, fingerprint(dir, relative));
    else if (!/-(wal|shm)$/.test(entry.name)) {
      const path = join(dir, relative);
      files[relative] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${statSync(path).mtimeMs}`;
    }
  }
  return files;
}

describe.each(FIXTURE_VERSIONS)('OpenClaw %s state', (version) => {
  let stateDir: string;
  let gateway: FakeGateway;
  let snapshot: ReturnType<typeof snapshotSchema.parse>;

  beforeAll(async () => {
    stateDir = copyFixtureState(version);
    gateway = await startFakeGateway(version);
    const collected = await collect(stateDir, { gatewayPort: gateway.port });
    snapshot = snapshotSchema.parse(JSON.parse(collected.body));
  });
  afterAll(() => gateway.close());

  it(`is detected as the ${FIXTURE_ERA[version]} storage era`, () => {
    expect(snapshot.gateway.storage).toBe(FIXTURE_ERA[version]);
  });

  it('sums usage per hour and provider/model exactly as the raw transcripts add up', () => {
    const expected = expectedUsage(stateDir, usageWindowStart(FIXTURE_NOW));
    expect(expected.length).toBeGreaterThan(0);
    expect(snapshot.usage.map(({ costUsd, ...rest }) => rest)).toEqual(expected.map(({ costUsd, ...rest }) => rest));
    snapshot.usage.forEach((bucket, index) => expect(bucket.costUsd).toBeCloseTo(expected[index]!.costUsd, 9));
  });

  it("matches the README's record of the model calls", () => {
    const fake = snapshot.usage.filter((bucket) => bucket.model === 'fakellm/fake-model');
    expect(fake.reduce((sum, bucket) => sum + bucket.inputTokens, 0)).toBe(README_FAKE_MODEL_INPUT[version]);
    expect(fake.every((bucket) => bucket.errors === 0)).toBe(true);
    // The 429 turn (fail-model) and the HTTP 500 cron run (err-model) are errors with no cost.
    for (const model of ['fakellm/fail-model', 'fakellm/err-model']) {
      const failed = snapshot.usage.filter((bucket) => bucket.model === model);
      expect(failed.length).toBeGreaterThan(0);
      for (const bucket of failed) {
        expect(bucket.errors).toBe(bucket.runs);
        expect(bucket.costUsd).toBe(0);
      }
    }
  });

  it('counts sessions from the session store', () => {
    const sessions = expectedSessions(stateDir);
    const recent = (session: { updatedAt?: number }) => (session.updatedAt ?? 0) >= FIXTURE_NOW - DAY_MS;
    expect(snapshot.sessions).toEqual({
      total: sessions.length,
      active24h: sessions.filter(recent).length,
      running: sessions.filter((session) => session.status === 'running').length,
      failed24h: sessions.filter((session) => recent(session) && (session.status === 'failed' || session.status === 'timeout')).length,
    });
    expect(snapshot.sessions.failed24h).toBeGreaterThanOrEqual(1); // the 429 turn
  });

  it('reports every cron job with its schedule and last run', () => {
    const jobs = expectedCron(stateDir);
    expect(snapshot.cron.map((job) => job.id).sort()).toEqual(jobs.map((job) => job.id).sort());
    for (const job of jobs) {
      const sent = snapshot.cron.find((candidate) => candidate.id === job.id)!;
      expect(sent.name).toBe(job.name);
      expect(sent.enabled).toBe(job.enabled);
      expect(sent.schedule.kind).toBe(job.schedule.kind);
      if (job.schedule.kind === 'cron') expect(sent.schedule).toEqual({ kind: 'cron', expr: job.schedule.expr, ...(job.schedule.tz ? { tz: job.schedule.tz } : {}) });
      if (job.schedule.kind === 'every') expect(sent.schedule).toEqual({ kind: 'every', everyMs: job.schedule.everyMs });
      expect(sent.lastStatus).toBe(job.state.lastRunStatus ?? job.state.lastStatus);
      expect(sent.lastRunAt).toBe(job.state.lastRunAtMs ? new Date(job.state.lastRunAtMs).toISOString() : undefined);
      expect(sent.nextRunAt).toBe(job.state.nextRunAtMs ? new Date(job.state.nextRunAtMs).toISOString() : undefined);
      expect(sent.consecutiveErrors).toBe(job.state.consecutiveErrors ?? 0);
    }
    const failing = snapshot.cron.find((job) => job.name === 'fixture-failing')!;
    expect(failing).toMatchObject({ lastStatus: 'error', consecutiveErrors: 1 });
    expect(failing.lastErrorReason).toMatch(/^(timeout|server_error)$/);
  });

  it('reads liveness and readiness from the gateway', () => {
    expect(snapshot.gateway).toMatchObject({ live: true, ready: true });
    expect(snapshot.gateway.uptimeMs).toBeGreaterThan(0);
    expect(snapshot.gateway.eventLoopDelayP99Ms).toBeGreaterThan(0);
    expect(gateway.requests.sort()).toEqual(['/healthz', '/readyz']);
  });

  it('reports the security posture from the config and the file modes', () => {
    expect(snapshot.security).toEqual({
      bind: 'loopback',
      authMode: 'token',
      tailscaleMode: 'off',
      stateDirMode: (statSync(stateDir).mode & 0o7777).toString(8),
      configMode: (statSync(join(stateDir, 'openclaw.json')).mode & 0o7777).toString(8),
    });
  });

  it('never writes to OpenClaw state', async () => {
    const before = fingerprint(stateDir);
    await collect(stateDir);
    expect(fingerprint(stateDir)).toEqual(before);
  });

  it('reads the installed OpenClaw version from its package, and the security audit counts when asked', async () => {
    const collected = await collect(stateDir, { env: { PATH: fakeOpenClawInstall(version) }, securityAudit: true });
    expect(collected.snapshot.gateway.version).toBe(version);
    const audit = JSON.parse(readFileSync(fixtureFile(version, 'cli-out', 'security-audit.json'), 'utf8'));
    expect(collected.snapshot.security.audit).toEqual({
      ...audit.summary,
      checkIds: [...new Set(audit.findings.map((finding: { checkId: string }) => finding.checkId))],
    });
  });
});
