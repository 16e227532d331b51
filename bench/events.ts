/**
 * `npm run bench -- events [--instances 100000] [--quiet 300] [--window 60]`
 *
 * The event engine over a fleet in service, on the real local Postgres:
 * - `--instances` instances in workspaces of 100, each with a subscribed channel, eight days of
 *   hourly usage on two models (about 19M rows at 100k), three cron jobs, and a history of
 *   resolved events; a few are unhealthy (silent, gateway down, a failing job, a loose bind), so
 *   open events exist as they would;
 * - the fleet keeps syncing every 5 minutes while the benchmark runs (each second, the instances
 *   whose last sync is 5 minutes old sync again: state and the current hour's usage);
 * - the worker's real scheduler runs with default settings (5 s tick: stale over the fleet, the
 *   other rules for the instances due, delivery, all as leader), nudged in-process as `npm start`;
 *   this hour's usage summary is written before the clock starts, and the next hour's by the
 *   scheduler's job while ticks run, as once an hour in service;
 * - `--quiet` instances (in distinct workspaces without other stale instances) stop syncing so that they cross their stale
 *   threshold at moments spread over `--window` seconds; a recording adapter notes when each
 *   alert reaches it.
 *
 * - then a storm: 20% of the fleet opens three problems each within a minute; the channels should
 *   get at most one message per instance, drained about as fast as the per-channel limit and the
 *   30 s group wait allow.
 *
 * Figures: each tick's wall time (stale and per-instance jobs, which run side by side), the
 * usage summary's time and the ticks that overlapped it, the latency from crossing the threshold to the adapter call, and as a baseline from the same run
 * the time to read every instance's last sync once (the least any fleet-wide tick could cost).
 * Also, informative: one evaluation of every rule for every instance at once (the seed's first
 * pass), which no tick does. Last line: one JSON object.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ChatAdapter, MessageRef } from '../bot/chat/chat-adapter.ts';
import { createLogger } from '../bot/logger.ts';
import { evaluateInstances } from '../bot/events/evaluate-instances.ts';
import { evaluateStale } from '../bot/events/evaluate-stale.ts';
import type { EventChange } from '../bot/events/event-store.ts';
import { instancesJob } from '../bot/events/instances-job.ts';
import { staleJob } from '../bot/events/stale-job.ts';
import { summarizeUsage, usageSummaryJob } from '../bot/events/usage-summary.ts';
import { windowsEnd } from '../bot/events/usage-windows.ts';
import { applyDecisions } from '../bot/events/event-store.ts';
import { DEFAULT_DELIVERY, type DeliveryOptions } from '../bot/notifications/deliver.ts';
import { deliveryJob } from '../bot/notifications/delivery-job.ts';
import { enqueueNotifications } from '../bot/notifications/enqueue.ts';
import { releaseHeldJob } from '../bot/notifications/release-held.ts';
import type { ScheduledJob } from '../bot/scheduler/scheduler.ts';
import { Scheduler } from '../bot/scheduler/scheduler.ts';
import { localSignals } from '../bot/signals/signals.ts';
import { openDatabase, type Database } from '../bot/storage/orm.ts';
import { buildSnapshot } from '../test/support/snapshot-factory.ts';
import { createScratchDatabase } from './support/scratch-database.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    instances: { type: 'string', default: '100000' },
    quiet: { type: 'string', default: '300' },
    window: { type: 'string', default: '60' },
    /** Leave the database in place and print its URL (to look into a slow query). */
    keep: { type: 'boolean', default: false },
  },
});
const instanceCount = Number(flags.instances);
const quietCount = Number(flags.quiet);
const windowSeconds = Number(flags.window);
const workspaceCount = Math.ceil(instanceCount / 100);
if (quietCount > workspaceCount) throw new Error(`--quiet ${quietCount}: at most one per workspace, and there are ${workspaceCount}`);
const TICK_SECONDS = 5;
/** The defaults of DEEPCLAW_GROUP_WAIT and DEEPCLAW_GROUP_INTERVAL: alerts wait for their burst. */
const GROUPING: DeliveryOptions = { ...DEFAULT_DELIVERY, groupWaitSeconds: 30, groupIntervalSeconds: 300 };
/** The storm: this share of the fleet opens three problems each within a minute. */
const STORM_SHARE = 0.2;
const INTERVAL_SECONDS = 300;
/** interval + the default grace of max(interval, 5 min). */
const STALE_AFTER_SECONDS = 600;

const scratch = await createScratchDatabase('deepclaw_bench_events');
let database: Database | undefined;
let stopFleet = () => {};
try {
  if ((await runNode(['bot/cli/main.ts', 'migrate'], { DATABASE_URL: scratch.url })) !== 0) throw new Error('migrations failed');
  database = await openDatabase({ database: { url: scratch.url, poolSize: 8, statementTimeoutMs: 120_000, migrateOnStart: false } });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => database!.orm.em.getConnection().execute<T[]>(text, params);

  let started = performance.now();
  await seedFleet(scratch.url);
  const [{ rows: usageRows } = { rows: 0 }] = await sql<{ rows: number }>('select count(*)::int as rows from usage_hourly');
  console.log(`seeded ${instanceCount} instances in ${workspaceCount} workspaces, ${usageRows} usage rows, in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // The first pass over everything: opens the events an unhealthy fleet has (informative figure).
  started = performance.now();
  const em = database.orm.em.fork();
  const ids = (await sql<{ id: string }>('select id from instance')).map((row) => row.id);
  const initial = [...(await evaluateStale(em, new Date(), {})), ...(await evaluateInstances(em, ids, new Date()))];
  const everyRuleEveryInstanceMs = performance.now() - started;
  await sql(`update notification set state = 'sent', sent_at = now()`);
  await sql('analyze');
  console.log(`every rule for all ${instanceCount} instances at once: ${everyRuleEveryInstanceMs.toFixed(0)} ms (${initial.length} events opened; no tick does this)`);

  // What the hourly job writes once an hour, here for the current hour before the clock starts;
  // the next hour's is written by the job while ticks run, as in service.
  started = performance.now();
  await summarizeUsage(database.orm.em.fork(), windowsEnd(new Date()), new Date());
  const usageSummaryMs = performance.now() - started;
  console.log(`usage summary for all ${instanceCount} instances (once an hour, in chunks): ${usageSummaryMs.toFixed(0)} ms`);

  const baselineMs = await median(5, async () => {
    await sql('select instance_id, last_seen_at, agent_interval_seconds from instance_state');
  });
  console.log(`baseline (read every instance's last sync once): ${baselineMs.toFixed(0)} ms`);

  // The instances that go quiet: one per workspace, crossing their threshold during the window,
  // in workspaces where nothing else is stale (so no grouped alert absorbs them).
  const windowStart = Date.now() + 10_000;
  const quiet = await sql<{ instance_id: string; channel_id: string }>(
    `select distinct on (i.workspace_id) i.id as instance_id, s.channel_id
       from instance i join subscription s on s.workspace_id = i.workspace_id
      where not exists (select 1 from bench_quiet q join instance o on o.id = q.instance_id where o.workspace_id = i.workspace_id)
      order by i.workspace_id, i.id limit ?`,
    [quietCount],
  );
  const crossingAt = new Map<string, number>();
  for (const [index, row] of quiet.entries()) {
    const crossing = windowStart + Math.round((index / quiet.length) * windowSeconds * 1000);
    crossingAt.set(row.channel_id, crossing);
    await sql('insert into bench_quiet (instance_id) values (?)', [row.instance_id]);
    await sql('update instance_state set last_seen_at = ? where instance_id = ?', [new Date(crossing - STALE_AFTER_SECONDS * 1000), row.instance_id]);
  }

  // The fleet's phases start now, spread over one interval, whatever the seeding took.
  await sql(
    `update instance_state s set last_seen_at = now() - random() * interval '${INTERVAL_SECONDS} seconds'
      where not exists (select 1 from bench_quiet q where q.instance_id = s.instance_id)`,
  );
  stopFleet = keepFleetSyncing(sql);
  const alerted = new Map<string, number>();
  const adapter = recordingAdapter((channelId, title) => {
    if (title.includes('stopped syncing') && crossingAt.has(channelId) && !alerted.has(channelId)) alerted.set(channelId, Date.now());
  });
  const tickRuns: { job: string; start: number; end: number }[] = [];
  const timed = (job: ScheduledJob): ScheduledJob => ({
    ...job,
    async run(now) {
      const start = performance.now();
      await job.run(now);
      tickRuns.push({ job: job.name, start, end: performance.now() });
    },
  });
  const signals = localSignals();
  let deliveryWake: NodeJS.Timeout | undefined;
  const onChanges = (_changes: EventChange[]) => signals.notificationsQueued();
  const scheduler = new Scheduler(database.orm, createLogger({ level: 'warn' }), [
    timed(staleJob(database.orm, { tickSeconds: TICK_SECONDS, onChanges })),
    timed(instancesJob(database.orm, { tickSeconds: TICK_SECONDS, onChanges })),
    timed(usageSummaryJob(database.orm, () => {})),
    deliveryJob(database.orm, new Map([['bench', adapter]]), TICK_SECONDS, undefined, GROUPING, undefined, (at) => {
      clearTimeout(deliveryWake);
      deliveryWake = setTimeout(() => scheduler.runSoon('deliver-notifications'), at.getTime() - Date.now());
    }),
    releaseHeldJob(database.orm, { tickSeconds: TICK_SECONDS, settleSeconds: 120 }),
  ]);
  signals.onNotificationsQueued(() => scheduler.runSoon('deliver-notifications'));
  scheduler.start();
  scheduler.runSoon('summarize-usage');
  console.log(`running: ${quiet.length} instances cross their stale threshold over ${windowSeconds} s while the rest sync every ${INTERVAL_SECONDS / 60} min`);
  const deadline = windowStart + windowSeconds * 1000 + 30_000 + GROUPING.groupWaitSeconds! * 1000;
  while (alerted.size < crossingAt.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
  await scheduler.stop();
  clearTimeout(deliveryWake);
  stopFleet();

  // The group wait is a deliberate hold (a burst arrives as one message), counted apart.
  const latencies = [...alerted].map(([channel, at]) => (at - crossingAt.get(channel)!) / 1000 - GROUPING.groupWaitSeconds!).sort((a, b) => a - b);
  // Ticks are the evaluation jobs; the hourly summary runs beside them and is reported apart.
  const summaryRuns = tickRuns.filter((run) => run.job === 'summarize-usage');
  const tickSpans = tickWallTimes(tickRuns.filter((run) => run.job !== 'summarize-usage'));
  const ticks = tickSpans.map((tick) => tick.end - tick.start);
  const duringSummary = tickSpans.filter((tick) => summaryRuns.some((run) => tick.start < run.end && tick.end > run.start)).map((tick) => tick.end - tick.start);
  const byJob = (name: string) => tickRuns.filter((run) => run.job === name).map((run) => run.end - run.start);
  console.log(`ticks: ${ticks.length}, wall p50 ${percentile(ticks, 0.5).toFixed(0)} ms, max ${Math.max(...ticks).toFixed(0)} ms`);
  console.log(`  stale over the fleet: p50 ${percentile(byJob('evaluate-stale'), 0.5).toFixed(0)} ms, max ${Math.max(...byJob('evaluate-stale')).toFixed(0)} ms`);
  console.log(`  other rules for the instances due: p50 ${percentile(byJob('evaluate-instances'), 0.5).toFixed(0)} ms, max ${Math.max(...byJob('evaluate-instances')).toFixed(0)} ms`);
  console.log(
    `  next hour's usage summary, written meanwhile: ${byJob('summarize-usage').map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}; ` +
      `${duringSummary.length} ticks overlapped it, max ${Math.max(...duringSummary).toFixed(0)} ms`,
  );
  console.log(
    `stale to adapter: ${alerted.size} of ${crossingAt.size} alerted, p50 ${percentile(latencies, 0.5).toFixed(1)} s, p99 ${percentile(latencies, 0.99).toFixed(1)} s, max ${(latencies.at(-1) ?? NaN).toFixed(1)} s ` +
      `beyond the ${GROUPING.groupWaitSeconds} s group wait`,
  );
  const storm = await measureStorm(database, sql);
  console.log(
    `storm: ${storm.instances} instances (${STORM_SHARE * 100}%) open 3 problems each within a minute: ${storm.messages} messages (${storm.posts} posts, ${storm.replies} replies; ` +
      `goal at most ${storm.instances}), ${storm.edits} edits; drained ${storm.drainS.toFixed(1)} s after the first problem, ` +
      `the platforms' limits allow ${storm.minimumS.toFixed(1)} s (${storm.perChannel} messages to the busiest channel at ${GROUPING.maxPerChannelPerSecond}/s, after the ${GROUPING.groupWaitSeconds} s wait): ratio ${(storm.drainS / storm.minimumS).toFixed(2)}`,
  );
  const tickMaxMs = Math.round(Math.max(...ticks));
  console.log(
    JSON.stringify({
      bench: 'events',
      instances: instanceCount,
      tickP50Ms: Math.round(percentile(ticks, 0.5)),
      tickMaxMs,
      staleToAdapterP50S: round1(percentile(latencies, 0.5)),
      staleToAdapterP99S: round1(percentile(latencies, 0.99)),
      alerted: alerted.size,
      expected: crossingAt.size,
      baselineMs: Math.round(baselineMs),
      ratio: round1(tickMaxMs / baselineMs),
      usageSummaryMs: Math.round(usageSummaryMs),
      everyRuleEveryInstanceMs: Math.round(everyRuleEveryInstanceMs),
      groupWaitS: GROUPING.groupWaitSeconds,
      stormInstances: storm.instances,
      stormMessages: storm.messages,
      stormDrainS: round1(storm.drainS),
      stormMinimumS: round1(storm.minimumS),
      stormDrainRatio: Math.round((storm.drainS / storm.minimumS) * 100) / 100,
    }),
  );
} finally {
  stopFleet();
  await database?.close();
  if (flags.keep) console.error(`kept the database: ${scratch.url}`);
  else await scratch.drop();
}

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

interface StormFigures {
  instances: number;
  messages: number;
  posts: number;
  replies: number;
  edits: number;
  perChannel: number;
  drainS: number;
  minimumS: number;
}

/**
 * A storm: STORM_SHARE of the fleet (healthy instances) each open three problems — security,
 * a failed job, spend drifting — a few seconds apart, the instances' bursts spread over a
 * minute, written as the evaluation writes them (event and outbox rows in one transaction,
 * several workers' worth at once), while delivery runs as in service. Counts the messages the
 * channels get, and how long the outbox takes to drain against the least the per-channel limit
 * and the group wait allow.
 */
async function measureStorm(database: Database, sql: Sql): Promise<StormFigures> {
  const members = await sql<{ id: string; workspace_id: string }>(
    `select i.id, i.workspace_id from instance i
      where not exists (select 1 from bench_quiet q where q.instance_id = i.id)
        and not exists (select 1 from event e where e.instance_id = i.id and e.state <> 'resolved')
      order by random() limit ?`,
    [Math.round(instanceCount * STORM_SHARE)],
  );
  const perWorkspace = new Map<string, number>();
  for (const member of members) perWorkspace.set(member.workspace_id, (perWorkspace.get(member.workspace_id) ?? 0) + 1);
  const counts = { posts: 0, replies: 0, edits: 0 };
  const adapter: ChatAdapter = {
    platform: 'bench',
    async post(channelId): Promise<MessageRef> {
      counts.posts += 1;
      return { channel: channelId, ts: String(counts.posts) };
    },
    async update() {
      counts.edits += 1;
    },
    async reply(ref) {
      counts.replies += 1;
      return { ...ref, ts: `r${counts.replies}` };
    },
  };
  const signals = localSignals();
  let wake: NodeJS.Timeout | undefined;
  const scheduler: Scheduler = new Scheduler(database.orm, createLogger({ level: 'warn' }), [
    deliveryJob(database.orm, new Map([['bench', adapter]]), TICK_SECONDS, undefined, GROUPING, undefined, (at) => {
      clearTimeout(wake);
      wake = setTimeout(() => scheduler.runSoon('deliver-notifications'), at.getTime() - Date.now());
    }),
  ]);
  signals.onNotificationsQueued(() => scheduler.runSoon('deliver-notifications'));
  // Leftovers of the stale phase are not the storm's to drain.
  await sql(`update notification set state = 'sent' where state = 'pending'`);
  const kinds = ['security', 'cron-failed', 'cost-drift'] as const;
  const startedAt = Date.now();
  // Each instance's burst starts somewhere in the first 50 s; its problems 3 s apart.
  const due = members
    .flatMap((member) => {
      const start = Math.random() * 50_000;
      return kinds.map((kind, i) => ({ member, kind, at: start + i * 3000 }));
    })
    .sort((a, b) => a.at - b.at);
  scheduler.start();
  let next = 0;
  const lane = async () => {
    for (;;) {
      const item = due[next];
      if (!item) return;
      if (startedAt + item.at > Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      next += 1;
      const now = new Date();
      await database.orm.em.fork().transactional(async (tx) => {
        const changes = await applyDecisions(tx, item.member.id, item.kind, [{ action: 'open', key: 'storm', summary: `${item.kind} in the storm`, details: {} }], now);
        await enqueueNotifications(tx, changes, now);
      });
      signals.notificationsQueued();
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
  const lastOpenS = (Date.now() - startedAt) / 1000;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const [{ pending } = { pending: 0 }] = await sql<{ pending: number }>(`select count(*)::int as pending from notification where state = 'pending'`);
    if (pending === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const drainS = (Date.now() - startedAt) / 1000;
  await scheduler.stop();
  clearTimeout(wake);
  const perChannel = Math.max(...perWorkspace.values());
  const firstProblems = due.filter((item) => item.kind === kinds[0]).map((item) => item.at / 1000);
  // The last burst's message cannot leave before its wait is over; the busiest channel cannot
  // take its messages faster than the limit once the first of them may go.
  const minimumS = Math.max(Math.max(...firstProblems) + GROUPING.groupWaitSeconds!, Math.min(...firstProblems) + GROUPING.groupWaitSeconds! + perChannel / GROUPING.maxPerChannelPerSecond);
  console.log(`storm written in ${lastOpenS.toFixed(1)} s`);
  return { instances: members.length, messages: counts.posts + counts.replies, posts: counts.posts, replies: counts.replies, edits: counts.edits, perChannel, drainS, minimumS };
}

/**
 * Rows written straight in SQL, on one connection with foreign-key triggers off (the rows are
 * consistent by construction) and no statement timeout: the usage history alone is millions of rows.
 */
async function seedFleet(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set session_replication_role = replica');
  await client.query('set statement_timeout = 0');
  let n = 0;
  const sql = async (text: string, params: unknown[] = []) => {
    await client.query(text.replace(/\?/g, () => `$${++n}`), params);
    n = 0;
  };
  try {
    await seedRows(sql);
  } finally {
    await client.end();
  }
}

async function seedRows(sql: (text: string, params?: unknown[]) => Promise<void>): Promise<void> {
  const sample = buildSnapshot();
  const healthyGateway = JSON.stringify(sample.gateway);
  const downGateway = JSON.stringify({ ...sample.gateway, live: false });
  const security = JSON.stringify(sample.security);
  const looseSecurity = JSON.stringify({ ...sample.security, bind: 'lan' });
  await sql('create table bench_quiet (instance_id uuid primary key)');
  await sql(`insert into workspace (id, name, created_at) select gen_random_uuid(), 'team-' || g, now() from generate_series(1, ?) g`, [workspaceCount]);
  await sql(
    `insert into subscription (id, workspace_id, platform, channel_id, created_at, created_by)
     select gen_random_uuid(), id, 'bench', 'C-' || name, now(), 'bench' from workspace where name like 'team-%'`,
  );
  await sql(
    `insert into instance (id, workspace_id, name, interval_seconds, created_at, connected_at)
     select gen_random_uuid(), w.id, 'vps-' || g, ?, now() - interval '30 days', now() - interval '30 days'
       from generate_series(0, ? - 1) g
       join (select id, row_number() over (order by id) - 1 as idx from workspace where name like 'team-%') w on w.idx = g % ?`,
    [INTERVAL_SECONDS, instanceCount, workspaceCount],
  );
  // Phases spread over the interval, as independent agents' are; 0.5% long silent.
  await sql(
    `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms, agent_version,
                                 agent_interval_seconds, gateway, sessions, security, cron_digest, cron_changed)
     select id, case when r < 0.005 then now() - interval '3 hours' else now() - random() * interval '${INTERVAL_SECONDS} seconds' end,
            1, gen_random_uuid(), now(), 0, '0.1.0', ?,
            case when r between 0.005 and 0.008 then ?::jsonb else ?::jsonb end, ?::jsonb,
            case when r between 0.008 and 0.010 then ?::jsonb else ?::jsonb end, 'digest', false
       from (select id, random() as r from instance) i`,
    [INTERVAL_SECONDS, downGateway, healthyGateway, JSON.stringify(sample.sessions), looseSecurity, security],
  );
  await sql(`insert into bench_quiet (instance_id) select instance_id from instance_state where last_seen_at < now() - interval '1 hour'`);
  // Three jobs each: an hourly one (0.3% failing) and two nightly ones.
  await sql(
    `insert into cron_job (instance_id, job_id, name, enabled, schedule, last_run_at, last_status, last_error_reason, last_duration_ms,
                           next_run_at, consecutive_errors, seq, updated_at)
     select i.id, 'job-' || j, 'job ' || j, true,
            case when j = 1 then '{"kind":"every","everyMs":3600000}'::jsonb else '{"kind":"cron","expr":"0 3 * * *","tz":"UTC"}'::jsonb end,
            date_trunc('hour', now()), case when j = 1 and r < 0.003 then 'error' else 'ok' end,
            case when j = 1 and r < 0.003 then 'rate_limit' end, 4200,
            date_trunc('hour', now()) + case when j = 1 then interval '1 hour' else interval '1 day' end, case when j = 1 and r < 0.003 then 2 else 0 end, 1, now()
       from (select id, random() as r from instance) i cross join generate_series(1, 3) j`,
  );
  // Eight days and the current hour, two models, each busy in about half the hours.
  await sql(
    `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
     select i.id, h, m, 1 + (random() * 20)::int, 12000, 800, 40000, 2000, round((random() * 0.8)::numeric, 4)::float8, (random() < 0.05)::int, 0, now()
       from instance i
       cross join generate_series(date_trunc('hour', now()) - interval '192 hours', date_trunc('hour', now()), interval '1 hour') h
       cross join (values ('anthropic/claude-opus-4-6'), ('openai/gpt-5')) as models(m)
      where random() < 0.5`,
  );
  // History: about one resolved event per instance over the past month.
  await sql(
    `insert into event (id, instance_id, kind, key, state, summary, details, opened_at, resolved_at, resolve_summary)
     select gen_random_uuid(), id, 'stale', 'agent', 'resolved', 'last sync 11 min ago, expected every 5 min', '{}'::jsonb,
            now() - interval '20 days' + random() * interval '19 days', now() - interval '1 day', 'syncing again after 12 min of silence'
       from instance`,
  );
}

/** Each second, the instances whose last sync is an interval old sync again, as agents would. */
function keepFleetSyncing(sql: Sql): () => void {
  let running = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      const synced = await sql<{ instance_id: string }>(
        `update instance_state s set last_seen_at = now(), last_seq = last_seq + 1, last_snapshot_id = gen_random_uuid(), last_sent_at = now()
          where last_seen_at <= now() - interval '${INTERVAL_SECONDS} seconds'
            and not exists (select 1 from bench_quiet q where q.instance_id = s.instance_id)
          returning instance_id`,
      );
      if (synced.length === 0) return;
      await sql(
        `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
         select id, date_trunc('hour', now()), 'anthropic/claude-opus-4-6', 1, 12000, 800, 40000, 2000, 0.05, 0, 0, now() from unnest(?::uuid[]) as x(id)
         on conflict (instance_id, hour, model) do update set runs = usage_hourly.runs + 1, cost_usd = usage_hourly.cost_usd + 0.05, updated_at = now()`,
        [`{${synced.map((row) => row.instance_id).join(',')}}`],
      );
    });
  }, 1000);
  return () => clearInterval(timer);
}

function recordingAdapter(onPost: (channelId: string, title: string) => void): ChatAdapter {
  let counter = 0;
  return {
    platform: 'bench',
    async post(channelId, message): Promise<MessageRef> {
      onPost(channelId, message.title);
      return { channel: channelId, ts: String(++counter) };
    },
    async update() {},
    async reply(ref) {
      return { ...ref, ts: String(++counter) };
    },
  };
}

/** A tick's span: from the first of its jobs starting to the last finishing. */
function tickWallTimes(runs: { job: string; start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...runs].sort((a, b) => a.start - b.start);
  const ticks: { start: number; end: number }[] = [];
  for (const run of sorted) {
    const current = ticks.at(-1);
    if (current && run.start - current.start < (TICK_SECONDS * 1000) / 2) current.end = Math.max(current.end, run.end);
    else ticks.push({ start: run.start, end: run.end });
  }
  return ticks;
}

async function median(times: number, work: () => Promise<void>): Promise<number> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  return percentile(durations, 0.5);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
