/**
 * The dashboard in a real browser against a real service (`node bot/main.ts`, embedded database):
 * sign in through a link from the CLI, see the fleet, open an instance and see its charts drawn,
 * watch a row change state live when a snapshot is pushed, with no console error and no CSP
 * violation anywhere. Saves the screenshots the README shows (docs/img/).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRunningEmbeddedPostgres } from '../../bot/storage/embedded-postgres.ts';
import { runNode, startService, type ServiceProcess } from '../support/processes.ts';
import { buildSnapshot, MODELS } from '../support/snapshot-factory.ts';
import type { Snapshot } from '../../ingest/contract.ts';
import { launchChromium, watchedPage } from './browser.ts';

const IMAGES = fileURLToPath(new URL('../../docs/img/', import.meta.url));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the dashboard in Chromium', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let browser: Browser;
  let base: string;
  let env: NodeJS.ProcessEnv;
  const tokens: Record<string, string> = {};

  const deepclaw = async (...args: string[]) => {
    const run = await runNode(['bot/cli/main.ts', ...args], env);
    if (run.code !== 0) throw new Error(`deepclaw ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  const push = async (name: string, overrides: Partial<Snapshot> = {}, seq = 1) => {
    const response = await fetch(`${base}/v1/snapshots`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[name]}` },
      body: JSON.stringify(buildSnapshot({ sentAt: new Date(), hours: 2, models: MODELS, seq, cronJobs: 3, growth: 0.5 }, overrides)),
    });
    expect(response.status).toBe(202);
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'deepclaw-e2e-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { DEEPCLAW_DATA_DIR: dataDir, PORT: String(port), DEEPCLAW_PUBLIC_URL: base };
    service = await startService(env, 60_000);
    const fleet = ['api-gateway', 'batch-runner', 'edge-ams', 'edge-fra', 'edge-sfo', 'lab-spare', 'support-bot'];
    for (const name of fleet) tokens[name] = JSON.parse(await deepclaw('instance', 'add', name, '--json')).token;
    for (const name of fleet.filter((n) => n !== 'lab-spare')) {
      await push(
        name,
        name === 'batch-runner'
          ? { cron: [{ id: 'nightly', name: 'nightly export', enabled: true, schedule: { kind: 'cron', expr: '0 2 * * *', tz: 'UTC' }, lastRunAt: new Date(Date.now() - 3 * HOUR).toISOString(), lastStatus: 'error', lastErrorReason: 'timeout', consecutiveErrors: 2 }] }
          : {},
      );
    }
    await deepclaw('instance', 'pause', 'support-bot');
    // Thirty days of history, older than any snapshot carries: written into the running service's database.
    const client = new pg.Client({ connectionString: (await findRunningEmbeddedPostgres(dataDir))! });
    await client.connect();
    try {
      await client.query(
        `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
         select i.id, h, m.model, 3 + (extract(hour from h) between 8 and 18)::int * 4, round(20000 * (1 + sin(extract(epoch from h) / 7200.0)))::bigint, 1500, 40000, 2000,
                round((m.weight * (0.6 + 0.4 * sin(extract(epoch from h) / 86400.0 + length(i.name))) * (1 + (extract(hour from h) between 8 and 18)::int))::numeric, 4), (random() < 0.03)::int, 0, now()
           from instance i
          cross join generate_series(date_trunc('hour', now()) - interval '30 days', date_trunc('hour', now()) - interval '2 hours', interval '1 hour') h
          cross join (values ($1, 0.9), ($2, 0.35), ($3, 0.08)) as m(model, weight)
          where i.name <> 'lab-spare'
         on conflict do nothing`,
        MODELS,
      );
    } finally {
      await client.end();
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with a link from the CLI, shows the fleet and an instance with its charts, updates a row live, without console errors or CSP violations', async () => {
    const { url } = JSON.parse(await deepclaw('dashboard', 'login', '--json'));
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    const { page, problems } = await watchedPage(context);

    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    const rows = page.locator('table.fleet tbody tr');
    await expect.poll(() => rows.count()).toBe(7);
    expect(await page.locator('tr[data-instance="batch-runner"] .cron-health').innerText()).toContain('1 failing');
    expect(await page.locator('tr[data-instance="support-bot"]').getAttribute('data-state')).toBe('paused');
    expect(await page.locator('tr[data-instance="lab-spare"]').getAttribute('data-state')).toBe('never-synced');
    expect(await page.locator('[data-total="spend-today"]').innerText()).toMatch(/^\$\d+\.\d\d$/);
    await page.screenshot({ path: `${IMAGES}fleet.png` });

    // Live: a snapshot saying the gateway is down turns the row red without a reload.
    const openBefore = Number(await page.locator('[data-total="open-events"]').innerText());
    await page.evaluate("window.marker = 'same page'");
    await push('edge-fra', { gateway: { version: '2026.9.6', storage: 'sqlite', live: false, checkedAt: new Date().toISOString() } }, 2);
    await page.locator('tr[data-instance="edge-fra"][data-state="gateway-down"]').waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.marker')).toBe('same page');
    expect(Number(await page.locator('[data-total="open-events"]').innerText())).toBeGreaterThan(openBefore);
    await page.locator('time[data-updated]').filter({ hasText: / s ago$/ }).waitFor();

    await page.getByRole('link', { name: 'api-gateway' }).click();
    await page.waitForURL(`${base}/instances/api-gateway`);
    const spend = page.locator('figure[data-chart="spend"]');
    await spend.locator('canvas').waitFor();
    expect(await spend.getAttribute('data-points')).toBe('30');
    expect(await page.locator('figure[data-chart="hourly"]').getAttribute('data-points')).toBe('48');
    // The chart really drew something: its canvas has coloured pixels.
    const coloured = await page.evaluate(`(() => {
      const canvas = document.querySelector('figure[data-chart="spend"] canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && !(data[i] === data[i + 1] && data[i + 1] === data[i + 2])) count++;
      return count;
    })()`);
    expect(coloured).toBeGreaterThan(1000);
    expect(await spend.getAttribute('aria-label')).toMatch(/^Spend per day over 30 days: \$\d+\.\d\d in all, highest \$\d+\.\d\d on \d{4}-\d\d-\d\d\.$/);
    await page.screenshot({ path: `${IMAGES}instance.png`, fullPage: true });

    // Dark mode and a phone's width read as well.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${IMAGES}instance-dark.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/`);
    await page.locator('table.fleet').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${IMAGES}fleet-phone-dark.png` });

    expect(problems).toEqual([]);
    await context.close();
  });

  it('works without JavaScript for everything but the charts', async () => {
    const { url } = JSON.parse(await deepclaw('dashboard', 'login', '--json'));
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 860 } });
    const { page, problems } = await watchedPage(context);
    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    await page.getByLabel('State').selectOption('paused');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('table.fleet tbody tr').count()).toBe(1);
    await page.goto(`${base}/instances/batch-runner`);
    await page.getByText('Spend per day as a table').click();
    expect(await page.locator('details table tbody tr').first().isVisible()).toBe(true);
    expect(await page.locator('figure[data-chart="spend"] canvas').count()).toBe(0);
    await page.goto(`${base}/events`);
    await page.getByRole('button', { name: 'Ack' }).first().click();
    await page.getByText('Acknowledged.').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
