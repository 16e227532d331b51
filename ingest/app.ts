/**
 * The HTTP surface, top to bottom: request id -> access log and metrics -> error boundary ->
 * routes. Handlers parse, call the core, and set the body; nothing else lives here.
 */
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type { Logger } from '../bot/logger.ts';
import type { SnapshotStore } from '../bot/snapshots/snapshot-store.ts';
import type { TickReadiness } from '../bot/scheduler/tick-freshness.ts';
import type { Orm } from '../bot/storage/orm.ts';
import type { HttpMetrics } from './metrics.ts';
import { agentDownloadRoutes } from './routes/agent-download.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { serveRoutes } from './serve-routes.ts';
import { snapshotRoutes } from './routes/snapshots.ts';
import type { RateLimiter } from './rate-limiter.ts';

export interface AppDependencies {
  orm: Orm;
  logger: Logger;
  metrics: HttpMetrics;
  ingest: {
    store: SnapshotStore;
    rateLimiter: RateLimiter;
    /** Refused sync tokens per client address (see routes/snapshots.ts). */
    authFailures: RateLimiter;
    /** Longest a snapshot may wait for storage before the answer is 503. */
    requestTimeoutMs: number;
    /** DEEPCLAW_STALE_GRACE, so `nextSyncBefore` agrees with the stale rule. */
    staleGraceSeconds?: number;
    /**
     * Told about each instance whose just-committed snapshot may change its events (a snapshot
     * rule's input changed, or it is new or stale), for immediate evaluation; the tick takes the rest.
     */
    onSnapshotWorthEvaluating?: (instanceId: string) => void;
    /** Told about every newly stored snapshot (not replays): the dashboard's live updates. */
    onSnapshotStored?: (instanceId: string) => void;
  };
  /** Injected so tests can move time (token grace, rate-limit refill). */
  clock: () => Date;
  /**
   * Chat platforms' inbound webhooks (Slack events at /slack/events, …), each verifying its own
   * signature on the raw body before anything else reads it.
   */
  chatWebhooks?: { path: string; handler: Middleware }[];
  /** DEEPCLAW_TRUST_PROXY: the client address comes from X-Forwarded-For. */
  trustProxy?: boolean;
  /** What `/metrics` serves, when not just this process's registry (several web processes: all of them). */
  metricsText?: () => Promise<string>;
  /** In a process that runs the scheduler: whether it still ticks (`/readyz` is red when not). */
  tickReadiness?: () => TickReadiness;
  /** The web dashboard's routes (adapters/web/dashboard-routes.ts), when served by this app. */
  dashboard?: Middleware<any>;
}

export type AppState = { requestId: string };

export function createApp(deps: AppDependencies): Koa<AppState> {
  const app = new Koa<AppState>();
  // Behind a load balancer the client address comes from X-Forwarded-For; without one that header
  // is the client's to forge, and it would let a client pick its own address for the failure limit.
  app.proxy = deps.trustProxy ?? false;
  const router = new Router<AppState>();
  healthRoutes(router, deps);
  metricsRoutes(router, deps);
  snapshotRoutes(router, deps);
  agentDownloadRoutes(router, deps);
  for (const webhook of deps.chatWebhooks ?? []) router.post(webhook.path, webhook.handler);
  if (deps.dashboard) router.use(deps.dashboard);

  return serveRoutes(app, router, deps);
}
