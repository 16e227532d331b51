/** GET /agent/deepclaw-agent.mjs and its checksum, from the built bundle or a clear 503. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Router from '@koa/router';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.ts';
import type { AppState } from '../app.ts';
import { requestId } from '../middleware/request-id.ts';
import { agentDownloadRoutes } from './agent-download.ts';

describe('agent download', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-download-'));
  const bundlePath = join(dir, 'deepclaw-agent.mjs');
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = new Koa<AppState>();
    const router = new Router<AppState>();
    const logger = createLogger({ level: 'silent', destination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
    agentDownloadRoutes(router, { logger, agentBundlePath: bundlePath });
    app.use(requestId());
    app.use(router.routes());
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with the command to run while the bundle is not built', async () => {
    for (const path of ['/agent/deepclaw-agent.mjs', '/agent/deepclaw-agent.mjs.sha256']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'agent_not_built', message: expect.stringContaining('npm run build:agent') });
    }
  });

  it('serves the bundle with its SHA-256, and the checksum file in sha256sum format', async () => {
    const content = '#!/usr/bin/env node\nconsole.log("agent v1");\n';
    writeFileSync(bundlePath, content);
    const sha256 = createHash('sha256').update(content).digest('hex');

    const response = await fetch(`${base}/agent/deepclaw-agent.mjs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-sha256')).toBe(sha256);
    expect(response.headers.get('etag')).toBe(`"${sha256}"`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="deepclaw-agent.mjs"');
    expect(await response.text()).toBe(content);

    const checksum = await fetch(`${base}/agent/deepclaw-agent.mjs.sha256`);
    expect(await checksum.text()).toBe(`${sha256}  deepclaw-agent.mjs\n`);

    const unchanged = await fetch(`${base}/agent/deepclaw-agent.mjs`, { headers: { 'if-none-match': `"${sha256}"` } });
    expect(unchanged.status).toBe(304);
  });

  it('picks up a rebuilt bundle without a restart', async () => {
    writeFileSync(bundlePath, 'console.log("agent v2, a different size");\n');
    const response = await fetch(`${base}/agent/deepclaw-agent.mjs.sha256`);
    expect(await response.text()).toBe(`${createHash('sha256').update('console.log("agent v2, a different size");\n').digest('hex')}  deepclaw-agent.mjs\n`);
  });
});
