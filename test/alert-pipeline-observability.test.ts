/**
 * Issue 13, "alerts must never stop silently", seen from outside as an operator sees it: real
 * processes scraped on /metrics and probed on /readyz, and their stdout read as a log collector
 * reads it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase } from './support/databases.ts';
import { runNode, startService, type ServiceProcess } from './support/processes.ts';
import { parsePrometheusText, valueOf, type Sample } from './support/prometheus-text.ts';
import { buildSnapshot } from './support/snapshot-factory.ts';

const freshDataDir = () => mkdtempSync(join(tmpdir(), 'deepclaw-data-'));
const scrape = async (port: number): Promise<Sample[]> => parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());

/** Adds an instance that syncs once and then falls silent: a stale alert within seconds at a 1 s tick and grace. */
async function silentInstance(service: ServiceProcess, env: NodeJS.ProcessEnv, name: string): Promise<void> {
  const { token } = JSON.parse((await runNode(['bot/cli/main.ts', 'instance', 'add', name, '--json'], env)).stdout);
  const snapshot = buildSnapshot();
  snapshot.agent.intervalSeconds = 10;
  const response = await fetch(`http://127.0.0.1:${service.port}/v1/snapshots`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(snapshot),
  });
  expect(response.status).toBe(202);
}

describe('observing the alert pipeline', () => {
  it('npm start: /metrics shows the alert sent, its latency, each job ticking, and the build', async () => {
    const env = { DEEPCLAW_DATA_DIR: freshDataDir(), DEEPCLAW_TICK: '1s', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_STALE_GRACE: '1s', DEEPCLAW_CONSOLE_ALERTS: 'stdout' };
    const service = await startService(env);
    try {
      const before = await scrape(service.port);
      expect(valueOf(before, 'deepclaw_notifications_total', { platform: 'console', result: 'sent' })).toBeUndefined();
      await silentInstance(service, env, 'scraped-vps');
      await expect.poll(() => service.output(), { timeout: 30_000, interval: 250 }).toMatch(/🔴 scraped-vps: stopped syncing/);
      await expect
        .poll(async () => valueOf(await scrape(service.port), 'deepclaw_notifications_total', { platform: 'console', result: 'sent' }), { timeout: 10_000, interval: 250 })
        .toBeGreaterThanOrEqual(1);
      const after = await scrape(service.port);
      expect(valueOf(after, 'deepclaw_alert_delivery_latency_seconds_count', { platform: 'console' })).toBeGreaterThanOrEqual(1);
      expect(valueOf(after, 'deepclaw_notification_outbox_readable')).toBe(1);
      for (const job of ['deliver-notifications', 'evaluate-stale']) {
        expect(valueOf(after, 'deepclaw_scheduler_tick_duration_seconds_count', { job, result: 'ok' })).toBeGreaterThan(valueOf(before, 'deepclaw_scheduler_tick_duration_seconds_count', { job, result: 'ok' }) ?? 0);
        expect(valueOf(after, 'deepclaw_scheduler_leader', { job })).toBe(1);
        expect(valueOf(after, 'deepclaw_scheduler_last_success_timestamp_seconds', { job })).toBeGreaterThan(Date.now() / 1000 - 10);
      }
      const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
      expect(after.filter((s) => s.name === 'deepclaw_build_info')).toEqual([{ name: 'deepclaw_build_info', labels: { version: '0.1.0', commit }, value: 1 }]);
      // Ingest's own series are still there beside the pipeline's.
      expect(valueOf(after, 'deepclaw_snapshots_accepted_total', { replay: 'false' })).toBe(1);
    } finally {
      await service.stop();
    }
  }, 90_000);

  it('npm start without a terminal: stdout is JSON lines only, no alert text among them', async () => {
    const env = { DEEPCLAW_DATA_DIR: freshDataDir(), DEEPCLAW_TICK: '1s', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_STALE_GRACE: '1s' };
    const service = await startService(env);
    try {
      await silentInstance(service, env, 'logged-vps');
      // The event opens (the worker logs it) ...
      await expect.poll(() => service.output(), { timeout: 30_000, interval: 250 }).toMatch(/"kind":"stale","change":"opened"/);
      // ... and a few ticks later nothing but log lines was written.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const lines = service.output().split('\n').filter(Boolean);
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
      for (const line of lines) JSON.parse(line);
      expect(lines.find((line) => line.includes('"msg":"worker started"'))).toContain('"consoleAlerts":false');
    } finally {
      await service.stop();
    }
  }, 90_000);

  it('--role worker with DEEPCLAW_WORKER_PORT: /healthz, /readyz with the scheduler ticking, /metrics of its jobs', async () => {
    const env = { DEEPCLAW_DATA_DIR: freshDataDir(), DEEPCLAW_TICK: '1s', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_WORKER_PORT: '0' };
    const worker = await startService(env, 30_000, 'worker');
    try {
      expect(worker.port).toBeGreaterThan(0);
      expect(worker.output()).toContain('"consoleAlerts":false');
      expect(await (await fetch(`http://127.0.0.1:${worker.port}/healthz`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${worker.port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ready: true, database: 'ok', migrations: 'current', scheduler: 'ticking' });
      await expect
        .poll(async () => valueOf(await scrape(worker.port), 'deepclaw_scheduler_tick_duration_seconds_count', { job: 'deliver-notifications', result: 'ok' }) ?? 0, {
          timeout: 10_000,
          interval: 250,
        })
        .toBeGreaterThanOrEqual(2);
      const samples = await scrape(worker.port);
      expect(valueOf(samples, 'deepclaw_scheduler_leader', { job: 'deliver-notifications' })).toBe(1);
      expect(samples.some((s) => s.name === 'deepclaw_build_info')).toBe(true);
      expect(valueOf(samples, 'deepclaw_notification_outbox_readable')).toBe(1);
    } finally {
      expect((await worker.stop()).code).toBe(0);
    }
  }, 60_000);
});

// Several web processes need a real Postgres (the embedded database belongs to one process), so
// this runs in the suite's Postgres pass, as the other cross-process tests do.
describe.each(BACKENDS.filter((backend) => backend === 'postgres'))('several web processes (DEEPCLAW_WEB_PROCESSES=2) [%s]', (backend) => {
  it('answer /metrics for all of them together, whichever one the scrape reaches', async () => {
    const db = await createTestDatabase(backend);
    const web = await startService({ DATABASE_URL: db.url, DEEPCLAW_WEB_PROCESSES: '2' }, 30_000, 'web');
    try {
      // Both must be listening before the count means anything: wait for the second "listening".
      await expect.poll(() => web.output().split('\n').filter((line) => line.includes('"msg":"listening"')).length, { timeout: 30_000 }).toBe(2);
      const requests = 20;
      for (let i = 0; i < requests; i++) expect((await fetch(`http://127.0.0.1:${web.port}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
      for (let scrapeNo = 0; scrapeNo < 4; scrapeNo++) {
        const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${web.port}/metrics`, { headers: { connection: 'close' } })).text());
        expect(valueOf(samples, 'deepclaw_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' })).toBe(requests);
        expect(valueOf(samples, 'deepclaw_build_info')).toBe(1);
      }
    } finally {
      await web.stop();
      await db.close();
    }
  }, 90_000);
});
