/** The real HTTP app on a loopback port, on a test database, with a clock the test controls. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../bot/logger.ts';
import type { Config } from '../../bot/config.ts';
import { createApp, type AppDependencies } from '../../ingest/app.ts';
import { createIngestDependencies } from '../../ingest/ingest-dependencies.ts';
import { createHttpMetrics, type HttpMetrics } from '../../ingest/metrics.ts';
import { startHttpServer, type HttpServer } from '../../ingest/server.ts';
import type { TestDatabase } from './databases.ts';

export interface RunningApp {
  base: string;
  server: HttpServer;
  metrics: HttpMetrics;
  logs: string[];
  /** Moves the app's clock; starts at real time. */
  setNow(date: Date): void;
  close(): Promise<void>;
}

export const TEST_INGEST_CONFIG: Config['ingest'] = {
  rateLimitBurst: 6,
  rateLimitRefillSeconds: 10,
  requestTimeoutMs: 10_000,
  authFailureBurst: 1000,
  authFailureRefillSeconds: 6,
};

export async function startTestApp(
  db: TestDatabase,
  ingestConfig: Partial<Config['ingest']> = {},
  hooks: { onSnapshotWorthEvaluating?: (instanceId: string) => void; chatWebhooks?: AppDependencies['chatWebhooks'] } = {},
): Promise<RunningApp> {
  const logs: string[] = [];
  const logger: Logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    }),
  });
  let now: Date | undefined;
  const metrics = createHttpMetrics();
  const { chatWebhooks, ...ingestHooks } = hooks;
  const ingest = { ...(await createIngestDependencies(db.database.orm, { ...TEST_INGEST_CONFIG, ...ingestConfig })), ...ingestHooks };
  const app = createApp({ orm: db.database.orm, logger, metrics, ingest, clock: () => now ?? new Date(), chatWebhooks, trustProxy: true });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  return {
    base: `http://127.0.0.1:${server.port}`,
    server,
    metrics,
    logs,
    setNow(date) {
      now = date;
    },
    close: () => server.close(1000),
  };
}
