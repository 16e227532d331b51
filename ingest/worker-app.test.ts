/** The worker's own HTTP surface on a real database: probes and metrics, and /readyz following the scheduler's ticks. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../bot/logger.ts';
import { TickFreshness } from '../bot/scheduler/tick-freshness.ts';
import { describeStorage } from '../test/support/databases.ts';
import { parsePrometheusText } from '../test/support/prometheus-text.ts';
import { createHttpMetrics } from './metrics.ts';
import { startHttpServer, type HttpServer } from './server.ts';
import { createWorkerApp } from './worker-app.ts';

describeStorage('the worker\'s HTTP surface', (db) => {
  let server: HttpServer;
  let base: string;
  let now = new Date();
  const started = now;
  const ticks = new TickFreshness({ jobs: ['deliver-notifications'], tickSeconds: 5, clock: () => now });

  beforeAll(async () => {
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    const app = createWorkerApp({ orm: db().database.orm, logger, metrics: createHttpMetrics(), tickReadiness: () => ticks.readiness() });
    server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close(1000));

  it('answers /healthz and /metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(parsePrometheusText(await metrics.text()).some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect((await fetch(`${base}/v1/snapshots`, { method: 'POST' })).status).toBe(404);
  });

  it('is ready while the scheduler ticks, and 503 with the reason once it has missed a few ticks', async () => {
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, database: 'ok', migrations: 'current', scheduler: 'ticking' });

    now = new Date(started.getTime() + 45_000);
    const stalled = await fetch(`${base}/readyz`);
    expect(stalled.status).toBe(503);
    expect(stalled.headers.get('retry-after')).toBe('5');
    expect(await stalled.json()).toEqual({
      ready: false,
      database: 'ok',
      migrations: 'current',
      scheduler: 'stalled',
      reason: 'scheduler not ticking: no finished run of deliver-notifications (last 45 s ago); expected one every tick, at most 30 s apart',
    });

    ticks.ran({ job: 'deliver-notifications', leader: true, ok: true, seconds: 0.1, finishedAt: now });
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
