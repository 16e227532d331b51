import type { Config } from '../bot/config.ts';
import { DEFAULT_STORE_OPTIONS, SnapshotStore, type SnapshotStoreOptions } from '../bot/snapshots/snapshot-store.ts';
import type { Orm } from '../bot/storage/orm.ts';
import type { AppDependencies } from './app.ts';
import { RateLimiter } from './rate-limiter.ts';

/** Ingest's parts, wired from config: the batching snapshot store on the ORM's pool and the rate limiter. */
export async function createIngestDependencies(
  orm: Orm,
  config: Config['ingest'],
  storeOptions: Partial<SnapshotStoreOptions> = {},
): Promise<AppDependencies['ingest']> {
  const pool = await orm.em.getConnection().getNativeClient();
  return {
    store: new SnapshotStore(pool, { ...DEFAULT_STORE_OPTIONS, ...storeOptions }),
    rateLimiter: new RateLimiter({ burst: config.rateLimitBurst, refillSeconds: config.rateLimitRefillSeconds }),
    authFailures: new RateLimiter({ burst: config.authFailureBurst, refillSeconds: config.authFailureRefillSeconds }),
    requestTimeoutMs: config.requestTimeoutMs,
  };
}
