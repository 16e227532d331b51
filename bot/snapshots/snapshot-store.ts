/**
 * Ingest's storage hot path. One snapshot touches five tables; at thousands of snapshots a second
 * the per-request cost is round trips and commits, so concurrent requests are grouped
 * (MicroBatcher): one token lookup per batch, one transaction per batch with one multi-row
 * statement per table (`unnest` of array parameters). A 202 still means committed.
 *
 * Raw SQL on MikroORM's own `pg` pool, not the unit of work: the entities define the schema and
 * the migrations; this file only writes rows in bulk.
 *
 * Ordering rules (ARCHITECTURE.md section 4):
 * - a replayed (instance, snapshotId) writes nothing and gets the first answer;
 * - usage buckets merge column-wise by GREATEST, so a late or repeated snapshot lowers nothing;
 * - state (instance_state, cron_job) only moves forward: a snapshot replaces it when its seq is
 *   higher, or lower with a later sentAt (the agent's counter restarted after a reinstall).
 */
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { CronJobState, Snapshot, UsageBucket } from '../../ingest/contract.ts';
import { MicroBatcher } from '../micro-batcher.ts';
import { tokenStatus } from '../tokens/token-status.ts';
import { isStorageUnavailable, StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { UsageFingerprints } from './usage-fingerprints.ts';

export interface TokenOwner {
  tokenId: string;
  instanceId: string;
  instanceName: string;
  workspaceId: string;
  paused: boolean;
}

export type TokenLookup = { ok: true; owner: TokenOwner } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

export interface SnapshotToStore {
  instanceId: string;
  snapshot: Snapshot;
  /** The request body as received; kept verbatim in the history table. */
  rawBody: string;
  receivedAt: Date;
  nextSyncBefore: Date;
}

export type StoreOutcome =
  | { stored: true; replay: boolean; nextSyncBefore: Date }
  /** The instance was removed between the token check and the write. */
  | { stored: false; reason: 'instance_gone' };

export interface SnapshotStoreOptions {
  maxBatchSize: number;
  maxConcurrentBatches: number;
  /** Instances whose last usage figures are remembered to skip unchanged buckets. */
  usageCacheInstances: number;
}

export const DEFAULT_STORE_OPTIONS: SnapshotStoreOptions = { maxBatchSize: 128, maxConcurrentBatches: 2, usageCacheInstances: 50_000 };

const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure
const FOREIGN_KEY_VIOLATION = '23503';

export class SnapshotStore {
  readonly #pool: Pool;
  readonly #lookups: MicroBatcher<{ tokenHash: string; now: Date }, TokenLookup>;
  readonly #writes: MicroBatcher<SnapshotToStore, StoreOutcome>;
  readonly #usageSeen: UsageFingerprints;

  constructor(pool: Pool, options: SnapshotStoreOptions = DEFAULT_STORE_OPTIONS) {
    this.#pool = pool;
    this.#usageSeen = new UsageFingerprints(options.usageCacheInstances);
    const batching = { maxBatchSize: options.maxBatchSize, maxConcurrentBatches: options.maxConcurrentBatches };
    this.#lookups = new MicroBatcher((batch) => this.#lookupBatch(batch), batching);
    this.#writes = new MicroBatcher((batch) => this.#writeBatchIsolated(batch), batching);
  }

  /** Who a token (by its SHA-256) writes for; read from the database on every call. */
  lookupToken(tokenHash: string, now: Date): Promise<TokenLookup> {
    return this.#lookups.submit({ tokenHash, now });
  }

  /** Stores one accepted snapshot; resolves once it is committed. */
  store(item: SnapshotToStore): Promise<StoreOutcome> {
    return this.#writes.submit(item);
  }

  async #lookupBatch(batch: { tokenHash: string; now: Date }[]): Promise<TokenLookup[]> {
    const hashes = [...new Set(batch.map((item) => item.tokenHash))];
    const { rows } = await this.#query<{
      token_hash: string;
      token_id: string;
      revoked_at: string | null;
      expires_at: string | null;
      instance_id: string;
      instance_name: string;
      workspace_id: string;
      paused_at: string | null;
    }>(
      `select t.token_hash, t.id as token_id, t.revoked_at, t.expires_at,
              i.id as instance_id, i.name as instance_name, i.workspace_id, i.paused_at
         from sync_token t join instance i on i.id = t.instance_id
        where t.token_hash = any($1::text[])`,
      [hashes],
    );
    const byHash = new Map(rows.map((row) => [row.token_hash, row]));
    return batch.map(({ tokenHash, now }) => {
      const row = byHash.get(tokenHash);
      if (!row) return { ok: false, reason: 'unknown' };
      const status = tokenStatus({ revokedAt: toDate(row.revoked_at), expiresAt: toDate(row.expires_at) }, now);
      if (status !== 'ok') return { ok: false, reason: status };
      return {
        ok: true,
        owner: {
          tokenId: row.token_id,
          instanceId: row.instance_id,
          instanceName: row.instance_name,
          workspaceId: row.workspace_id,
          paused: row.paused_at !== null,
        },
      };
    });
  }

  /**
   * One transaction for the batch. If it fails for a reason other than the database being away,
   * each snapshot is retried on its own, so one bad item cannot fail its neighbours.
   */
  async #writeBatchIsolated(batch: SnapshotToStore[]): Promise<StoreOutcome[]> {
    try {
      return await this.#writeBatch(batch);
    } catch (error) {
      if (isStorageUnavailable(error)) throw new StorageUnavailableError(error);
      if (batch.length === 1) {
        if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return [{ stored: false, reason: 'instance_gone' }];
        throw error;
      }
      const outcomes: StoreOutcome[] = [];
      for (const item of batch) outcomes.push(...(await this.#writeBatchIsolated([item])));
      return outcomes;
    }
  }

  async #writeBatch(batch: SnapshotToStore[]): Promise<StoreOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { outcomes, usageWritten } = await this.#transaction((client) => this.#writeInTransaction(client, batch));
        // Only after the commit may the cache learn what the database now holds.
        this.#usageSeen.remember(usageWritten);
        return outcomes;
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  async #writeInTransaction(client: PoolClient, batch: SnapshotToStore[]): Promise<{ outcomes: StoreOutcome[]; usageWritten: UsageRow[] }> {
    // Within a batch, the first copy of a (instance, snapshotId) is the candidate; later copies
    // are replays of it. Sorting by instance keeps lock order the same in every transaction.
    const keyOf = (item: SnapshotToStore) => `${item.instanceId}|${item.snapshot.snapshotId}`;
    const candidates = new Map<string, SnapshotToStore>();
    for (const item of batch) if (!candidates.has(keyOf(item))) candidates.set(keyOf(item), item);
    const ordered = [...candidates.values()].sort((a, b) => compare(a.instanceId, b.instanceId));

    const inserted = await client.query<{ instance_id: string; snapshot_id: string }>(
      `insert into snapshot (instance_id, snapshot_id, seq, received_at, sent_at, next_sync_before, body)
       select * from unnest($1::uuid[], $2::uuid[], $3::int8[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::jsonb[])
       on conflict do nothing
       returning instance_id, snapshot_id`,
      [
        ordered.map((i) => i.instanceId),
        ordered.map((i) => i.snapshot.snapshotId),
        ordered.map((i) => i.snapshot.seq),
        ordered.map((i) => i.receivedAt),
        ordered.map((i) => i.snapshot.sentAt),
        ordered.map((i) => i.nextSyncBefore),
        ordered.map((i) => i.rawBody),
      ],
    );
    const insertedKeys = new Set(inserted.rows.map((row) => `${row.instance_id}|${row.snapshot_id}`));
    const fresh = ordered.filter((item) => insertedKeys.has(keyOf(item)));
    const replayed = ordered.filter((item) => !insertedKeys.has(keyOf(item)));

    const firstAnswers = await this.#storedAnswers(client, replayed);
    await this.#advanceState(client, fresh);
    const usageWritten = await this.#mergeUsage(client, fresh);

    const outcomes = batch.map((item): StoreOutcome => {
      const key = keyOf(item);
      if (candidates.get(key) === item && insertedKeys.has(key)) return { stored: true, replay: false, nextSyncBefore: item.nextSyncBefore };
      return { stored: true, replay: true, nextSyncBefore: firstAnswers.get(key) ?? candidates.get(key)!.nextSyncBefore };
    });
    return { outcomes, usageWritten };
  }

  async #storedAnswers(client: PoolClient, replayed: SnapshotToStore[]): Promise<Map<string, Date>> {
    if (replayed.length === 0) return new Map();
    const { rows } = await client.query<{ instance_id: string; snapshot_id: string; next_sync_before: string }>(
      `select s.instance_id, s.snapshot_id, s.next_sync_before
         from snapshot s join unnest($1::uuid[], $2::uuid[]) as k(instance_id, snapshot_id)
           on s.instance_id = k.instance_id and s.snapshot_id = k.snapshot_id`,
      [replayed.map((i) => i.instanceId), replayed.map((i) => i.snapshot.snapshotId)],
    );
    return new Map(rows.map((row) => [`${row.instance_id}|${row.snapshot_id}`, new Date(row.next_sync_before)]));
  }

  /** instance_state and cron_job: only the newest snapshot per instance may replace them. */
  async #advanceState(client: PoolClient, fresh: SnapshotToStore[]): Promise<void> {
    if (fresh.length === 0) return;
    const newestByInstance = new Map<string, SnapshotToStore>();
    const lastSeenByInstance = new Map<string, Date>();
    for (const item of fresh) {
      const current = newestByInstance.get(item.instanceId);
      if (!current || isNewer(item.snapshot, current.snapshot)) newestByInstance.set(item.instanceId, item);
      const seen = lastSeenByInstance.get(item.instanceId);
      if (!seen || item.receivedAt > seen) lastSeenByInstance.set(item.instanceId, item.receivedAt);
    }
    const newest = [...newestByInstance.values()];
    const won = await client.query<{ instance_id: string }>(
      `insert into instance_state (instance_id, last_seen_at, last_seq, last_snapshot_id, last_sent_at, clock_skew_ms,
                                   agent_version, agent_interval_seconds, gateway, sessions, security)
       select * from unnest($1::uuid[], $2::timestamptz[], $3::int8[], $4::uuid[], $5::timestamptz[], $6::int8[],
                            $7::text[], $8::int4[], $9::jsonb[], $10::jsonb[], $11::jsonb[])
       on conflict (instance_id) do update set
         last_seen_at = greatest(instance_state.last_seen_at, excluded.last_seen_at),
         last_seq = excluded.last_seq, last_snapshot_id = excluded.last_snapshot_id, last_sent_at = excluded.last_sent_at,
         clock_skew_ms = excluded.clock_skew_ms, agent_version = excluded.agent_version,
         agent_interval_seconds = excluded.agent_interval_seconds,
         gateway = excluded.gateway, sessions = excluded.sessions, security = excluded.security
       where excluded.last_seq > instance_state.last_seq
          or (excluded.last_seq < instance_state.last_seq and excluded.last_sent_at > instance_state.last_sent_at)
       returning instance_id`,
      [
        newest.map((i) => i.instanceId),
        newest.map((i) => lastSeenByInstance.get(i.instanceId)!),
        newest.map((i) => i.snapshot.seq),
        newest.map((i) => i.snapshot.snapshotId),
        newest.map((i) => i.snapshot.sentAt),
        newest.map((i) => i.receivedAt.getTime() - Date.parse(i.snapshot.sentAt)),
        newest.map((i) => i.snapshot.agent.version),
        newest.map((i) => i.snapshot.agent.intervalSeconds),
        newest.map((i) => JSON.stringify(i.snapshot.gateway)),
        newest.map((i) => JSON.stringify(i.snapshot.sessions)),
        newest.map((i) => JSON.stringify(i.snapshot.security)),
      ],
    );
    const winners = new Set(won.rows.map((row) => row.instance_id));
    const losers = newest.filter((item) => !winners.has(item.instanceId));
    if (losers.length > 0) {
      // An older snapshot still proves the agent is alive.
      await client.query(
        `update instance_state s set last_seen_at = greatest(s.last_seen_at, k.seen)
           from unnest($1::uuid[], $2::timestamptz[]) as k(instance_id, seen) where s.instance_id = k.instance_id`,
        [losers.map((i) => i.instanceId), losers.map((i) => lastSeenByInstance.get(i.instanceId)!)],
      );
    }
    await this.#replaceCronJobs(client, newest.filter((item) => winners.has(item.instanceId)));
  }

  /** The winning snapshot's jobs become the instance's jobs: upsert what it lists, drop the rest. */
  async #replaceCronJobs(client: PoolClient, winners: SnapshotToStore[]): Promise<void> {
    if (winners.length === 0) return;
    const jobs: { instanceId: string; seq: number; job: CronJobState; at: Date }[] = [];
    for (const item of winners) for (const job of item.snapshot.cron) jobs.push({ instanceId: item.instanceId, seq: item.snapshot.seq, job, at: item.receivedAt });
    await client.query(
      `delete from cron_job c
        where c.instance_id = any($1::uuid[])
          and not exists (select 1 from unnest($2::uuid[], $3::text[]) as k(instance_id, job_id)
                           where k.instance_id = c.instance_id and k.job_id = c.job_id)`,
      [winners.map((i) => i.instanceId), jobs.map((j) => j.instanceId), jobs.map((j) => j.job.id)],
    );
    if (jobs.length === 0) return;
    await client.query(
      `insert into cron_job (instance_id, job_id, name, enabled, schedule, last_run_at, last_status, last_error_reason,
                             last_duration_ms, next_run_at, consecutive_errors, auto_disabled, seq, updated_at)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::bool[], $5::jsonb[], $6::timestamptz[], $7::text[], $8::text[],
                            $9::int8[], $10::timestamptz[], $11::int4[], $12::bool[], $13::int8[], $14::timestamptz[])
       on conflict (instance_id, job_id) do update set
         name = excluded.name, enabled = excluded.enabled, schedule = excluded.schedule, last_run_at = excluded.last_run_at,
         last_status = excluded.last_status, last_error_reason = excluded.last_error_reason,
         last_duration_ms = excluded.last_duration_ms, next_run_at = excluded.next_run_at,
         consecutive_errors = excluded.consecutive_errors, auto_disabled = excluded.auto_disabled,
         seq = excluded.seq, updated_at = excluded.updated_at
       where (cron_job.name, cron_job.enabled, cron_job.schedule, cron_job.last_run_at, cron_job.last_status,
              cron_job.last_error_reason, cron_job.last_duration_ms, cron_job.next_run_at, cron_job.consecutive_errors,
              cron_job.auto_disabled)
             is distinct from
             (excluded.name, excluded.enabled, excluded.schedule, excluded.last_run_at, excluded.last_status,
              excluded.last_error_reason, excluded.last_duration_ms, excluded.next_run_at, excluded.consecutive_errors,
              excluded.auto_disabled)`,
      [
        jobs.map((j) => j.instanceId),
        jobs.map((j) => j.job.id),
        jobs.map((j) => j.job.name),
        jobs.map((j) => j.job.enabled),
        jobs.map((j) => JSON.stringify(j.job.schedule)),
        jobs.map((j) => j.job.lastRunAt ?? null),
        jobs.map((j) => j.job.lastStatus ?? null),
        jobs.map((j) => j.job.lastErrorReason ?? null),
        jobs.map((j) => j.job.lastDurationMs ?? null),
        jobs.map((j) => j.job.nextRunAt ?? null),
        jobs.map((j) => j.job.consecutiveErrors),
        jobs.map((j) => j.job.autoDisabled ?? false),
        jobs.map((j) => j.seq),
        jobs.map((j) => j.at),
      ],
    );
  }

  /**
   * Upserts the usage buckets that changed since this process last wrote them for the instance.
   * Skipping is safe because values only grow: what we wrote is at most what the database holds.
   */
  async #mergeUsage(client: PoolClient, fresh: SnapshotToStore[]): Promise<UsageRow[]> {
    const merged = new Map<string, UsageRow>();
    for (const item of fresh) {
      for (const bucket of item.snapshot.usage) {
        const hour = new Date(bucket.hour);
        const key = `${item.instanceId}|${hour.getTime()}|${bucket.model}`;
        merged.set(key, maxOf(merged.get(key), { instanceId: item.instanceId, hour, bucket, updatedAt: item.receivedAt }));
      }
    }
    const changed = [...merged.values()]
      .filter((row) => !this.#usageSeen.isUnchanged(row.instanceId, row.hour, row.bucket))
      .sort((a, b) => compare(a.instanceId, b.instanceId) || a.hour.getTime() - b.hour.getTime() || compare(a.bucket.model, b.bucket.model));
    if (changed.length === 0) return [];
    await client.query(
      `insert into usage_hourly (instance_id, hour, model, runs, input_tokens, output_tokens, cache_read_tokens,
                                 cache_write_tokens, cost_usd, errors, missing_cost, updated_at)
       select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::int8[],
                            $8::int8[], $9::float8[], $10::int8[], $11::int8[], $12::timestamptz[])
       on conflict (instance_id, hour, model) do update set
         runs = greatest(usage_hourly.runs, excluded.runs),
         input_tokens = greatest(usage_hourly.input_tokens, excluded.input_tokens),
         output_tokens = greatest(usage_hourly.output_tokens, excluded.output_tokens),
         cache_read_tokens = greatest(usage_hourly.cache_read_tokens, excluded.cache_read_tokens),
         cache_write_tokens = greatest(usage_hourly.cache_write_tokens, excluded.cache_write_tokens),
         cost_usd = greatest(usage_hourly.cost_usd, excluded.cost_usd),
         errors = greatest(usage_hourly.errors, excluded.errors),
         missing_cost = greatest(usage_hourly.missing_cost, excluded.missing_cost),
         updated_at = excluded.updated_at
       where excluded.runs > usage_hourly.runs or excluded.input_tokens > usage_hourly.input_tokens
          or excluded.output_tokens > usage_hourly.output_tokens or excluded.cache_read_tokens > usage_hourly.cache_read_tokens
          or excluded.cache_write_tokens > usage_hourly.cache_write_tokens or excluded.cost_usd > usage_hourly.cost_usd
          or excluded.errors > usage_hourly.errors or excluded.missing_cost > usage_hourly.missing_cost`,
      [
        changed.map((r) => r.instanceId),
        changed.map((r) => r.hour),
        changed.map((r) => r.bucket.model),
        changed.map((r) => r.bucket.runs),
        changed.map((r) => r.bucket.inputTokens),
        changed.map((r) => r.bucket.outputTokens),
        changed.map((r) => r.bucket.cacheReadTokens),
        changed.map((r) => r.bucket.cacheWriteTokens),
        changed.map((r) => r.bucket.costUsd),
        changed.map((r) => r.bucket.errors),
        changed.map((r) => r.bucket.missingCost),
        changed.map((r) => r.updatedAt),
      ],
    );
    return changed;
  }

  async #transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      broken = error as Error;
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      // A connection that failed mid-transaction is discarded rather than reused.
      client.release(broken && isStorageUnavailable(broken) ? broken : undefined);
    }
  }

  async #connect(): Promise<PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      throw new StorageUnavailableError(error);
    }
  }

  async #query<Row extends QueryResultRow>(text: string, values: unknown[]): Promise<{ rows: Row[] }> {
    try {
      return await this.#pool.query<Row>(text, values);
    } catch (error) {
      if (isStorageUnavailable(error)) throw new StorageUnavailableError(error);
      throw error;
    }
  }
}

export interface UsageRow {
  instanceId: string;
  hour: Date;
  bucket: UsageBucket;
  updatedAt: Date;
}

/** Seq decides; a lower seq with a later sentAt means the agent's counter restarted. */
function isNewer(candidate: Snapshot, current: Snapshot): boolean {
  if (candidate.seq !== current.seq) {
    return candidate.seq > current.seq || Date.parse(candidate.sentAt) > Date.parse(current.sentAt);
  }
  return Date.parse(candidate.sentAt) > Date.parse(current.sentAt);
}

function maxOf(existing: UsageRow | undefined, next: UsageRow): UsageRow {
  if (!existing) return next;
  const a = existing.bucket;
  const b = next.bucket;
  return {
    instanceId: next.instanceId,
    hour: next.hour,
    updatedAt: existing.updatedAt > next.updatedAt ? existing.updatedAt : next.updatedAt,
    bucket: {
      hour: b.hour,
      model: b.model,
      runs: Math.max(a.runs, b.runs),
      inputTokens: Math.max(a.inputTokens, b.inputTokens),
      outputTokens: Math.max(a.outputTokens, b.outputTokens),
      cacheReadTokens: Math.max(a.cacheReadTokens, b.cacheReadTokens),
      cacheWriteTokens: Math.max(a.cacheWriteTokens, b.cacheWriteTokens),
      costUsd: Math.max(a.costUsd, b.costUsd),
      errors: Math.max(a.errors, b.errors),
      missingCost: Math.max(a.missingCost, b.missingCost),
    },
  };
}

/** MikroORM's pool returns timestamps as text; this side wants Dates. */
function toDate(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
