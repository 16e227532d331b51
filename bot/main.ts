/**
 * The composition root, and the only file in bot/ that may import Koa or an adapter.
 *
 *   npm start                 web + worker in one process (embedded database unless DATABASE_URL)
 *   node bot/main.ts --role web | worker
 *
 * Exit codes: 0 clean shutdown, 1 start-up failed, 2 invalid configuration.
 */
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { createApp } from '../ingest/app.ts';
import { clusterMetricsText, serveClusterMetrics } from '../ingest/cluster-metrics.ts';
import { createWorkerApp } from '../ingest/worker-app.ts';
import { createIngestDependencies } from '../ingest/ingest-dependencies.ts';
import { createHttpMetrics } from '../ingest/metrics.ts';
import { startHttpServer, type HttpServer } from '../ingest/server.ts';
import { ConfigError, environmentWithDotenv, loadConfig, type Config } from './config.ts';
import { DeepClawError } from './errors.ts';
import { createLogger, type Logger } from './logger.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { CONSOLE_CHANNEL, consoleAdapter } from '../adapters/console/adapter.ts';
import { consoleAlertOutput } from '../adapters/console/alert-output.ts';
import type { ChatAdapter } from './chat/chat-adapter.ts';
import { createAlertPipelineMetrics, registerBuildInfo, type AlertPipelineMetrics } from './metrics/alert-pipeline-metrics.ts';
import { TickFreshness } from './scheduler/tick-freshness.ts';
import { readConsoleCommands } from '../adapters/console/commands.ts';
import { createChatPlatforms, type ChatPlatforms } from '../adapters/chat-platforms.ts';
import { createDashboard, type Dashboard } from '../adapters/web/dashboard.ts';
import { rotationFollowUpsJob } from './tokens/rotation-follow-ups.ts';
import type { EventChange } from './events/event-store.ts';
import { instancesJob } from './events/instances-job.ts';
import { usageSummaryJob } from './events/usage-summary.ts';
import { InstantEvaluator } from './events/instant-evaluation.ts';
import { embeddedVacuumJob } from './storage/embedded-vacuum.ts';
import { staleJob } from './events/stale-job.ts';
import { everySeconds } from './scheduler/schedules.ts';
import { ensureConsoleSubscriptions, removeConsoleSubscriptions } from './notifications/console-subscriptions.ts';
import { postgresSignals } from './signals/postgres-signals.ts';
import { localSignals, type Signals } from './signals/signals.ts';
import { DEFAULT_DELIVERY } from './notifications/deliver.ts';
import { releaseHeldJob } from './notifications/release-held.ts';
import { deliveryJob } from './notifications/delivery-job.ts';
import { remindersJob } from './notifications/reminders.ts';
import { digestJob } from './digests/digest-job.ts';
import { pruneSnapshotsJob } from './snapshots/prune-snapshots.ts';
import { migrateToLatest, pendingMigrations } from './storage/migrate.ts';
import { openDatabase, type Database } from './storage/orm.ts';

export type Role = 'all' | 'web' | 'worker';

export interface RunningService {
  /** The HTTP port, when this process serves HTTP. */
  port?: number;
  database: Database;
  stop(): Promise<void>;
}

/** Opens storage, applies migrations, serves HTTP (web role). Throws when any of it fails. */
export async function startService(options: { config: Config; logger: Logger; role: Role }): Promise<RunningService> {
  const { config, logger, role } = options;
  const database = await openDatabase({ database: config.database, dataDir: config.dataDir, applicationName: `deepclaw-${role}` });
  let http: HttpServer | undefined;
  let workerHttp: HttpServer | undefined;
  let scheduler: Scheduler | undefined;
  /** Nudges delivery when a grouped alert leaves its wait between ticks (delivery-job.ts). */
  let deliveryWake: NodeJS.Timeout | undefined;
  let instantEvaluator: InstantEvaluator | undefined;
  let chat: ChatPlatforms | undefined;
  let signals: Signals | undefined;
  let dashboard: Dashboard | undefined;
  const onChanges = (changes: EventChange[]) => {
    for (const change of changes) logger.info({ instanceId: change.instanceId, kind: change.kind, change: change.change }, change.summary);
    // Their notifications are queued: deliver now rather than on the next tick.
    signals?.notificationsQueued();
  };
  try {
    logger.info({ database: database.location }, 'database open');
    if (config.database.migrateOnStart) {
      const applied = await migrateToLatest(database.orm);
      if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    } else {
      const pending = await pendingMigrations(database.orm);
      if (pending.length > 0) logger.warn({ pending }, 'migrations are pending; run `npm run migrate`');
    }
    const pool = await database.orm.em.getConnection().getNativeClient();
    // One registry per process, served at /metrics: HTTP and ingest, plus the alert pipeline
    // where this process runs it (docs/decisions.md, "Observability of the alert pipeline").
    const metrics = createHttpMetrics();
    registerBuildInfo(metrics.registry);
    const pipeline: AlertPipelineMetrics | undefined = role !== 'web' ? createAlertPipelineMetrics(metrics.registry, pool) : undefined;
    // Chat platforms (Slack when SLACK_BOT_TOKEN is set) and the /deepclaw command core behind them.
    const chatPlatforms = await createChatPlatforms({ config, logger, orm: database.orm, onConnectionChange: pipeline?.chatConnection });
    chat = chatPlatforms;
    // Nudges between ingest, evaluation and delivery: through Postgres when processes may be
    // apart; in-process on the embedded database, whose single session cannot carry them.
    signals =
      database.kind === 'postgres'
        ? // Web processes listen too: the dashboard's open pages update when any process stores a snapshot or changes an event.
          postgresSignals({ pool, listenUrl: config.database.url, logger })
        : localSignals();
    if (role !== 'web') {
      // Alerts go to every configured chat platform, and to the console when it is someone's
      // terminal (or DEEPCLAW_CONSOLE_ALERTS says so): never into a stream of JSON logs.
      const adapters = new Map<string, ChatAdapter>(chatPlatforms.adapters);
      const alertOutput = consoleAlertOutput({ setting: config.consoleAlerts, role, stdoutIsTTY: Boolean(process.stdout.isTTY) });
      if (alertOutput) {
        adapters.set('console', consoleAdapter(alertOutput));
        await ensureConsoleSubscriptions(pool, CONSOLE_CHANNEL);
      } else {
        const removed = await removeConsoleSubscriptions(pool, CONSOLE_CHANNEL);
        if (removed > 0) logger.info({ removed }, 'console alerts are off: removed the console subscriptions a terminal run had left');
      }
      const jobs = [
        pruneSnapshotsJob(database.orm, config.snapshotRetentionDays, (count) => logger.info({ count }, 'old snapshots pruned')),
        staleJob(database.orm, { ...config.events, onChanges }),
        instancesJob(database.orm, { tickSeconds: config.events.tickSeconds, onChanges }),
        usageSummaryJob(database.orm, (written) => logger.info(written, 'usage summarized')),
        deliveryJob(
          database.orm,
          adapters,
          config.events.tickSeconds,
          logger,
          { ...DEFAULT_DELIVERY, groupWaitSeconds: config.events.grouping.waitSeconds, groupIntervalSeconds: config.events.grouping.intervalSeconds },
          pipeline?.deliveries,
          (at) => {
            clearTimeout(deliveryWake);
            deliveryWake = setTimeout(() => scheduler?.runSoon('deliver-notifications'), at.getTime() - Date.now());
            deliveryWake.unref();
          },
        ),
        releaseHeldJob(database.orm, { tickSeconds: config.events.tickSeconds, settleSeconds: config.events.grouping.settleSeconds }),
        rotationFollowUpsJob(database.orm, [...adapters.keys()], config.events.tickSeconds),
        ...(config.events.reminderEverySeconds ? [remindersJob(database.orm, config.events.reminderEverySeconds)] : []),
        digestJob(database.orm),
        // Postgres servers vacuum themselves; PGlite has no autovacuum (bot/storage/embedded-vacuum.ts).
        ...(database.kind === 'embedded' ? [embeddedVacuumJob(database.orm, (report) => logger.info(report, 'embedded database vacuumed'))] : []),
      ];
      const tickSchedule = everySeconds(config.events.tickSeconds);
      const ticks = new TickFreshness({ jobs: jobs.filter((job) => job.schedule === tickSchedule).map((job) => job.name), tickSeconds: config.events.tickSeconds });
      scheduler = new Scheduler(database.orm, logger, jobs, {
        ran(run) {
          pipeline?.scheduler.ran(run);
          ticks.ran(run);
        },
      });
      scheduler.start();
      if (role === 'worker' && config.workerPort !== undefined) {
        // `npm start` serves these on its main port; a separate worker has a port of its own.
        const app = createWorkerApp({ orm: database.orm, logger, metrics, tickReadiness: () => ticks.readiness() });
        workerHttp = await startHttpServer(app, { port: config.workerPort, host: config.http.host });
      }
      // Until this hour's usage is summarized, ticks sum the hourly rows themselves: do it now.
      scheduler.runSoon('summarize-usage');
      // Socket Mode, when configured, connects from workers.
      await chatPlatforms.start();
      const deliverer = scheduler;
      signals.onNotificationsQueued(() => deliverer.runSoon('deliver-notifications'));
      // Evaluate an instance as soon as its snapshot lands, so a recovery or a gateway going down
      // does not wait for the next tick.
      const evaluator = new InstantEvaluator(database.orm, {
        staleGraceSeconds: config.events.staleGraceSeconds,
        onChanges,
        onError: (error) => logger.error({ err: error }, 'immediate evaluation failed'),
      });
      instantEvaluator = evaluator;
      signals.onSnapshotsStored((ids) => ids.forEach((id) => evaluator.mark(id)));
      logger.info(
        { tickSeconds: config.events.tickSeconds, signals: database.kind === 'postgres' ? 'listen/notify' : 'in-process', port: workerHttp?.port, consoleAlerts: alertOutput !== undefined },
        'worker started',
      );
      if (process.stdin.isTTY) {
        // Someone is at the terminal of `npm start`: answer `/deepclaw …` there, as its operator.
        void readConsoleCommands(process.stdin, (text) => process.stdout.write(text), { run: (text) => chatPlatforms.answerConsole(text) });
      }
    }
    if (role !== 'worker') {
      const nudge = signals;
      const web = createDashboard({ orm: database.orm, logger, clock: () => new Date(), publicUrl: config.publicUrl, chatAdmins: config.chatAdmins });
      dashboard = web;
      signals.onSnapshotsStored((ids) => web.live.snapshotsStored(ids));
      signals.onNotificationsQueued(() => web.live.eventsChanged());
      const ingest = {
        // Two batches in flight on either database: on the embedded one the second waits for the
        // session, but it is prepared while the first runs, so both threads stay busy.
        ...(await createIngestDependencies(database.orm, config.ingest)),
        staleGraceSeconds: config.events.staleGraceSeconds,
        onSnapshotWorthEvaluating: (instanceId: string) => nudge.snapshotsStored([instanceId]),
        onSnapshotStored: (instanceId: string) => web.live.snapshotsStored([instanceId]),
      };
      // Several web processes share the port: a scrape answers for all of them, not one at random.
      const metricsText = cluster.isWorker ? clusterMetricsText(metrics.registry) : undefined;
      const app = createApp({ orm: database.orm, logger, metrics, metricsText, ingest, clock: () => new Date(), chatWebhooks: chatPlatforms.webhooks, trustProxy: config.trustProxy, dashboard: web.routes });
      http = await startHttpServer(app, config.http);
      logger.info({ port: http.port, host: config.http.host, url: `http://${config.http.host}:${http.port}` }, 'listening');
    }
  } catch (error) {
    dashboard?.close();
    await workerHttp?.close(1000);
    await chat?.stop();
    await signals?.close();
    await scheduler?.stop();
    await database.close();
    throw error;
  }
  return {
    port: http?.port,
    database,
    async stop() {
      // Open event streams would hold the HTTP close to its deadline: end them first.
      dashboard?.close();
      // HTTP gets most of the budget; the database close is quick once requests are done.
      await http?.close(Math.max(1000, config.shutdownTimeoutMs - 2000));
      await workerHttp?.close(1000);
      await chat?.stop();
      await signals?.close();
      await instantEvaluator?.stop();
      clearTimeout(deliveryWake);
      await scheduler?.stop();
      await database.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  let role: Role;
  try {
    role = parseRole(process.argv.slice(2));
    config = loadConfig(environmentWithDotenv(process.env));
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems : [(error as Error).message];
    for (const line of lines) process.stderr.write(`deepclaw: ${line}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: config.logLevel });
  if (role === 'web' && config.webProcesses > 1 && cluster.isPrimary) return superviseWebProcesses(config, logger);
  let service: RunningService;
  try {
    service = await startService({ config, logger, role });
  } catch (error) {
    if (error instanceof DeepClawError) {
      process.stderr.write(`deepclaw: ${error.message}\n`);
    } else {
      logger.fatal({ err: error }, 'start-up failed');
    }
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    forced.unref();
    service.stop().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * `DEEPCLAW_WEB_PROCESSES=N` with `--role web`: N processes share the port (node:cluster), so
 * ingest uses every core. Each is a complete web process with its own pool; they coordinate only
 * through Postgres. This primary forwards SIGTERM/SIGINT and exits once they have.
 */
function superviseWebProcesses(config: Config, logger: Logger): void {
  serveClusterMetrics();
  for (let i = 0; i < config.webProcesses; i++) cluster.fork();
  let stopping = false;
  cluster.on('exit', (worker, code) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // `pid` is the logger's own field (this process); the one that died is the web process.
    logger.error({ webPid: worker.process.pid, code }, 'a web process died; starting another');
    cluster.fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

function parseRole(args: string[]): Role {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' } }, strict: true });
  if (values.role !== 'all' && values.role !== 'web' && values.role !== 'worker') {
    throw new Error(`--role must be all, web or worker (got "${values.role}")`);
  }
  return values.role;
}

if (import.meta.main) await main();
