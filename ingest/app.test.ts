import Koa from 'koa';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../bot/logger.ts';
import { describeStorage } from '../test/support/databases.ts';
import { startTestApp, type RunningApp } from '../test/support/ingest-app.ts';
import { errorBoundary } from './middleware/error-boundary.ts';
import { requestId } from './middleware/request-id.ts';
import { startHttpServer } from './server.ts';

function captureLogs() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describeStorage('HTTP skeleton', (db) => {
  let app: RunningApp;
  let base: string;

  beforeAll(async () => {
    app = await startTestApp(db());
    base = app.base;
  });
  afterAll(() => app.close());

  it('answers /healthz while the process is up', async () => {
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when the database answers and the schema is current', async () => {
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ready: true, database: 'ok', migrations: 'current' });
  });

  it('answers /readyz 503 while the database is gone, and 200 again once it is back', async () => {
    await db().proxy.cut();
    try {
      const response = await fetch(`${base}/readyz`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ ready: false, database: 'unreachable' });
    } finally {
      await db().proxy.restore();
    }
    await expect.poll(async () => (await fetch(`${base}/readyz`)).status, { timeout: 10_000 }).toBe(200);
  });

  it('serves Prometheus metrics with request durations by route and status', async () => {
    await fetch(`${base}/healthz`);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/^deepclaw_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found', message: 'no route for GET /nope' });
  });

  it('gives every response a request id and logs it, without the Authorization header', async () => {
    const response = await fetch(`${base}/healthz`, { headers: { authorization: 'Bearer dcs_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLM' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const line = app.logs.find((l) => l.includes(id!));
    expect(JSON.parse(line!)).toMatchObject({ msg: 'request', route: '/healthz', status: 200, method: 'GET' });
    expect(app.logs.join('\n')).not.toContain('dcs_abc');
  });
});

describe('error boundary', () => {
  it('hides an unexpected error behind a 500 with the request id, and logs it with that id', async () => {
    const logs = captureLogs();
    const app = new Koa();
    app.use(requestId());
    app.use(errorBoundary({ logger: logs.logger }));
    app.use(() => {
      throw new Error('connection string postgres://admin:hunter2@db failed with token dcs_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLM');
    });
    const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/`);
      expect(response.status).toBe(500);
      const body = (await response.json()) as { requestId: string };
      expect(body).toEqual({
        error: 'internal_error',
        message: 'something went wrong on our side; quote this request id when reporting it',
        requestId: response.headers.get('x-request-id'),
      });
      const logged = logs.lines.find((line) => line.includes(body.requestId));
      expect(logged).toContain('unexpected error');
      expect(logged).not.toContain('dcs_abcdefghij');
    } finally {
      await server.close(1000);
    }
  });
});
