/**
 * `npm run bench -- dashboard [--instances 10000] [--status-instances 100000] [--requests 200] [--database-url <url>]`
 *
 * The dashboard's server time on the real local Postgres (a scratch database, or with
 * `--database-url` that database, emptied first):
 * - a workspace of `--instances` instances with 30 days of hourly usage (one model each hour, so
 *   7.2M rows at 10,000), three cron jobs each, instance state, a few open events, and for the
 *   instances whose page is measured two days of 5-minute snapshots (what the cron strips read);
 * - the fleet page (`/`) and instance pages (`/instances/<name>`, a different instance each time),
 *   `--requests` of each, one at a time, over loopback HTTP through the real Koa app with a
 *   signed-in session: p50 and p95 of the time to the last byte;
 * - the 30-day spend CSV of the whole workspace (`/reports/spend.csv`), five times;
 * - baseline, in the same run: the same Koa app answering a static page of the fleet page's size;
 * - `/deepclaw status` (the fleet summary the chat command renders) over a workspace of
 *   `--status-instances` instances with today's usage.
 *
 * Targets (issue 17): fleet p95 <= 150 ms, instance p95 <= 100 ms, CSV <= 1 s, status p95 <= 300 ms.
 * Last line: one JSON object.
 */
import { deflateRawSync } from 'node:zlib';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDashboard } from '../adapters/web/dashboard.ts';
import { answerCommand } from '../bot/commands/command-core.ts';
import { issueSignInLink } from '../bot/dashboard/sign-in-links.ts';
import { createLogger } from '../bot/logger.ts';
import { migrateToLatest } from '../bot/storage/migrate.ts';
import { openDatabase } from '../bot/storage/orm.ts';
import { findWorkspace } from '../bot/workspaces/workspaces.ts';
import { createApp } from '../ingest/app.ts';
import { createIngestDependencies } from '../ingest/ingest-dependencies.ts';
import { createHttpMetrics } from '../ingest/metrics.ts';
import { startHttpServer } from '../ingest/server.ts';
import { buildSnapshot } from '../test/support/snapshot-factory.ts';
import { TEST_INGEST_CONFIG } from '../test/support/ingest-app.ts';
import { createScratchDatabase, type ScratchDatabase } from './support/scratch-database.ts';

const { values: flags } = parseArgs({
  options: {
    instances: { type: 'string', default: '10000' },
    'status-instances': { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
    'database-url': { type: 'string' },
  },
});
const instanceCount = Number(flags.instances);
const statusCount = Number(flags['status-instances']);
const requests = Number(flags.requests);
const MEASURED_INSTANCES = Math.min(200, instanceCount);
const TARGETS = { fleetP95Ms: 150, instanceP95Ms: 100, csvMs: 1000, statusP95Ms: 300 };

let scratch: ScratchDatabase | undefined;
const url = flags['database-url'] ?? (scratch = await createScratchDatabase('deepclaw_bench_dashboard')).url;
if (flags['database-url']) await resetSchema(url);
const database = await openDatabase({ database: { url, poolSize: 8, statementTimeoutMs: 600_000, migrateOnStart: false } });
const logger = createLogger({ level: 'warn' });
try {
  await migrateToLatest(database.orm);
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database.orm.em.getConnection().execute<T[]>(text, params);

  let started = performance.now();
  await seed(sql);
  const [{ rows } = { rows: 0 }] = await sql<{ rows: number }>('select count(*)::int as rows from usage_hourly');
  console.log(`seeded ${instanceCount} + ${statusCount} instances, ${rows.toLocaleString('en-US')} usage rows, in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const dashboard = createDashboard({ orm: database.orm, logger, clock: () => new Date(), publicUrl: 'http://127.0.0.1', chatAdmins: new Set() });
  let staticPage = '';
  const router = new Router();
  // The baseline: the same app, a page of the same size that needs no database and no rendering.
  router.get('/bench/static', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = staticPage;
  });
  router.use(dashboard.routes);
  const app = createApp({
    orm: database.orm,
    logger,
    metrics: createHttpMetrics(),
    ingest: await createIngestDependencies(database.orm, TEST_INGEST_CONFIG),
    clock: () => new Date(),
    dashboard: router.routes() as Middleware<any>,
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    const em = database.orm.em.fork();
    const fleet = await findWorkspace(em, 'fleet');
    const link = await issueSignInLink(em, { workspace: fleet, role: 'admin', actor: { id: 'bench:admin', origin: 'bench' }, personName: 'bench', now: new Date() });
    const signIn = await fetch(`${base}${link.path}`, { method: 'POST', redirect: 'manual', headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
    const get = async (path: string) => {
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
      return body;
    };

    started = performance.now();
    const firstFleet = await get('/');
    const coldFleetMs = performance.now() - started;
    staticPage = firstFleet;
    console.log(`fleet page: ${(firstFleet.length / 1e6).toFixed(2)} MB, ${instanceCount} rows; first request (computes the hour's spend baselines) ${coldFleetMs.toFixed(0)} ms`);

    const fleetTimes = await timeEach(requests, () => get('/'));
    const staticTimes = await timeEach(requests, () => get('/bench/static'));
    const names = (await sql<{ name: string }>("select i.name from instance i join workspace w on w.id = i.workspace_id where w.name = 'fleet' order by i.name limit ?", [MEASURED_INSTANCES])).map((r) => r.name);
    const instanceTimes = await timeEach(requests, (i) => get(`/instances/${names[i % names.length]}`));
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    let csvBytes = 0;
    const csvTimes = await timeEach(5, async () => {
      csvBytes = (await get(`/reports/spend.csv?from=${from}&to=${today}`)).length;
    });

    const big = await findWorkspace(em, 'big');
    const statusTimes = await timeEach(20, () =>
      answerCommand(
        {
          em: database.orm.em.fork(),
          workspace: big,
          actor: { id: 'bench:status', origin: 'bench' },
          requester: { platform: 'slack', userId: 'U1', displayName: 'bench', isPlatformAdmin: false },
          place: { chatId: 'T1', channelId: 'C1' },
          now: new Date(),
          deps: { orm: database.orm, chatAdmins: new Set(), publicUrl: base, agentSha256: async () => undefined, clock: () => new Date() },
        },
        { name: 'status' },
      ),
    );

    const figures = {
      instances: instanceCount,
      usageRows: rows,
      fleetPageBytes: firstFleet.length,
      fleetColdMs: round(coldFleetMs),
      fleetP50Ms: round(percentile(fleetTimes, 0.5)),
      fleetP95Ms: round(percentile(fleetTimes, 0.95)),
      staticP50Ms: round(percentile(staticTimes, 0.5)),
      staticP95Ms: round(percentile(staticTimes, 0.95)),
      instanceP50Ms: round(percentile(instanceTimes, 0.5)),
      instanceP95Ms: round(percentile(instanceTimes, 0.95)),
      csvBytes,
      csvP50Ms: round(percentile(csvTimes, 0.5)),
      csvMaxMs: round(Math.max(...csvTimes)),
      statusInstances: statusCount,
      statusP50Ms: round(percentile(statusTimes, 0.5)),
      statusP95Ms: round(percentile(statusTimes, 0.95)),
    };
    console.log(`fleet page (${requests} requests):    p50 ${figures.fleetP50Ms} ms, p95 ${figures.fleetP95Ms} ms   (target p95 <= ${TARGETS.fleetP95Ms} ms)`);
    console.log(`static page, same size (baseline): p50 ${figures.staticP50Ms} ms, p95 ${figures.staticP95Ms} ms`);
    console.log(`instance page (${requests} requests): p50 ${figures.instanceP50Ms} ms, p95 ${figures.instanceP95Ms} ms   (target p95 <= ${TARGETS.instanceP95Ms} ms)`);
    console.log(`30-day spend CSV (${(csvBytes / 1e6).toFixed(1)} MB, 5 requests): p50 ${figures.csvP50Ms} ms, max ${figures.csvMaxMs} ms   (target <= ${TARGETS.csvMs} ms)`);
    console.log(`/deepclaw status at ${statusCount} instances (20 runs): p50 ${figures.statusP50Ms} ms, p95 ${figures.statusP95Ms} ms   (target p95 <= ${TARGETS.statusP95Ms} ms)`);
    console.log(
      JSON.stringify({
        benchmark: 'dashboard',
        ...figures,
        fleetToBaselineP95: round(figures.fleetP95Ms / figures.staticP95Ms),
        targetsMet: {
          fleet: figures.fleetP95Ms <= TARGETS.fleetP95Ms,
          instance: figures.instanceP95Ms <= TARGETS.instanceP95Ms,
          csv: figures.csvMaxMs <= TARGETS.csvMs,
          status: figures.statusP95Ms <= TARGETS.statusP95Ms,
        },
      }),
    );
  } finally {
    dashboard.close();
    await server.close(1000);
  }
} finally {
  await database.close();
  await scratch?.drop();
}

/**
 * Everything in a few set-based statements: workspace "fleet" with `instanceCount` instances and
 * 30 days of usage, and workspace "big" with `statusCount` instances and today's usage.
 */
async function seed(sql: <T>(text: string, params?: unknown[]) => Promise<T[]>): Promise<void> {
  await sql(`insert into workspace (id, name, created_at) values (gen_random_uuid(), 'fleet', now()), (gen_random_uuid(), 'big', now())`);
  for (const [workspace, count] of [['fleet', instanceCount], ['big', statusCount]] as const) {
    await sql(
      `insert into instance (id, workspace_id, name, interval_seconds, created_at, paused_at)
       select gen_random_uuid(), w.id, 'gw-' || lpad(g::text, 6, '0'), 300, now(), case when g % 97 = 0 then now() end
         from workspace w cross join generate_series(1, ?) g where w.name = ?`,
      [count, workspace],
    );
  }
  await sql(
    `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                 agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
     select i.id, now() - (random() * interval '5 minutes') - case when i.name like '%13' then interval '2 hours' else interval '0' end,
            1, gen_random_uuid(), now(), 0, '0.1.0', 300,
            '{"version":"2026.9.6","storage":"sqlite","live":true,"ready":true}', '{"total":10}',
            '{"bind":"loopback","authMode":"token"}', '', false
       from instance i where i.name not like '%99'`,
  );
  await sql(
    `insert into cron_job (instance_id, job_id, name, enabled, schedule, last_run_at, last_status, last_error_reason, consecutive_errors, next_run_at, seq, updated_at)
     select i.id, 'job-' || j, 'nightly report ' || j, true, '{"kind":"cron","expr":"0 3 * * *","tz":"UTC"}', now() - interval '1 hour',
            case when random() < 0.02 then 'error' else 'ok' end, null, 0, now() + interval '20 hours', 1, now()
       from instance i join workspace w on w.id = i.workspace_id cross join generate_series(1, 3) j where w.name = 'fleet'`,
  );
  await sql(
    `insert into event (id, instance_id, kind, key, state, summary, details, opened_at)
     select gen_random_uuid(), s.instance_id, 'stale', 'agent', 'open', 'no snapshot for 2 h', '{}', now() - interval '1 hour'
       from instance_state s where s.last_seen_at < now() - interval '1 hour'`,
  );
  // 30 days of hourly usage for the fleet (one model per hour, rotating), today's hours for "big".
  await sql(
    `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
     select i.id, h, (array['anthropic/claude-opus-4-6','anthropic/claude-sonnet-4-5','openai/gpt-5.1-mini'])[1 + (extract(hour from h)::int % 3)],
            3, 24000, 1600, 80000, 4000, round((0.2 + random())::numeric, 4), 0, 0, now()
       from instance i join workspace w on w.id = i.workspace_id
      cross join generate_series(date_trunc('hour', now()) - interval '719 hours', date_trunc('hour', now()), interval '1 hour') h
      where w.name = 'fleet'
      -- In hour order, as ingest writes them in service (each hour's rows arrive during that hour).
      order by h, i.id`,
  );
  await sql(
    `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
     select i.id, h, 'anthropic/claude-sonnet-4-5', 3, 24000, 1600, 80000, 4000, 0.5, 0, 0, now()
       from instance i join workspace w on w.id = i.workspace_id
      cross join generate_series(date_trunc('day', now()), date_trunc('hour', now()), interval '1 hour') h
      where w.name = 'big'`,
  );
  // Two days of 5-minute snapshots for the instances whose page is measured (the cron strips read them).
  const measured = await sql<{ id: string }>("select i.id from instance i join workspace w on w.id = i.workspace_id where w.name = 'fleet' order by i.name limit ?", [MEASURED_INSTANCES]);
  const body = deflateRawSync(JSON.stringify(buildSnapshot({ hours: 48, cronJobs: 3 })), { level: 1 });
  for (const { id } of measured) {
    await sql(
      `insert into snapshot (instance_id, snapshot_id, seq, received_at, sent_at, next_sync_before, body)
       select ?, gen_random_uuid(), g, now() - g * interval '5 minutes', now() - g * interval '5 minutes', now(), ? from generate_series(1, 576) g`,
      [id, body],
    );
  }
  await sql('vacuum analyze');
}

async function resetSchema(target: string): Promise<void> {
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query('drop schema public cascade; create schema public;');
  } finally {
    await client.end();
  }
}

async function timeEach(times: number, work: (index: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work(i);
    durations.push(performance.now() - start);
  }
  return durations;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
