/**
 * Ingest's storage hot path. Concurrent requests are grouped (MicroBatcher) and each group is
 * stored by one SQL statement (ingest-statement.ts): token check and every write in a single
 * round trip and a single commit. A 202 still means committed.
 *
 * Raw SQL on MikroORM's own `pg` pool, not the unit of work: the entities define the schema and
 * the migrations; this file only writes rows in bulk.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import type { Snapshot } from '../../ingest/contract.ts';
import { MicroBatcher } from '../micro-batcher.ts';
import { isStorageUnavailable, StorageUnavailableError } from '../storage/storage-unavailable.ts';
import { tokenStatus } from '../tokens/token-status.ts';
import { INGEST_STATEMENT, type IngestStatementRow } from './ingest-statement.ts';
import { UsageFingerprints } from './usage-fingerprints.ts';

export interface TokenOwner {
  instanceId: string;
  instanceName: string;
  workspaceId: string;
  paused: boolean;
}

export type TokenRejection = 'unknown' | 'revoked' | 'expired';
export type TokenLookup = { ok: true; owner: TokenOwner } | { ok: false; reason: TokenRejection };

export interface SnapshotToStore {
  /** SHA-256 of the presented sync token; the statement finds the instance from it. */
  tokenHash: string;
  /** Validated; its re-serialisation (never the raw request body) is what the history keeps. */
  snapshot: Snapshot;
  receivedAt: Date;
  nextSyncBefore: Date;
}

export type StoreOutcome =
  | {
      stored: true;
      replay: boolean;
      nextSyncBefore: Date;
      owner: TokenOwner;
      /** Whether its events may change now (ingest-statement.ts says when); false for a replay. */
      worthEvaluating: boolean;
    }
  | { stored: false; reason: TokenRejection };

export interface SnapshotStoreOptions {
  maxBatchSize: number;
  maxConcurrentBatches: number;
  /** Tokens whose last usage figures are remembered to skip unchanged buckets. */
  usageCacheTokens: number;
}

export const DEFAULT_STORE_OPTIONS: SnapshotStoreOptions = {
  maxBatchSize: 128,
  maxConcurrentBatches: 2,
  usageCacheTokens: 50_000,
};

const RETRYABLE = new Set(['40P01', '40001']); // deadlock, serialization failure
const FOREIGN_KEY_VIOLATION = '23503';

export class SnapshotStore {
  readonly #pool: Pool;
  readonly #usageSeen: UsageFingerprints;
  readonly #lookups: MicroBatcher<{ tokenHash: string; now: Date }, TokenLookup>;
  readonly #writes: MicroBatcher<SnapshotToStore, StoreOutcome>;

  constructor(pool: Pool, options: SnapshotStoreOptions = DEFAULT_STORE_OPTIONS) {
    this.#pool = pool;
    this.#usageSeen = new UsageFingerprints(options.usageCacheTokens);
    const batching = { maxBatchSize: options.maxBatchSize, maxConcurrentBatches: options.maxConcurrentBatches };
    this.#lookups = new MicroBatcher((batch) => this.#lookupBatch(batch), batching);
    this.#writes = new MicroBatcher((batch) => this.#storeIsolated(batch), batching);
  }

  /** Stores one snapshot if its token works; resolves once it is committed. */
  store(item: SnapshotToStore): Promise<StoreOutcome> {
    return this.#writes.submit(item);
  }

  /** Who a token (by its SHA-256) writes for, without storing anything. */
  lookupToken(tokenHash: string, now: Date): Promise<TokenLookup> {
    return this.#lookups.submit({ tokenHash, now });
  }

  async #lookupBatch(batch: { tokenHash: string; now: Date }[]): Promise<TokenLookup[]> {
    const { rows } = await this.#query<{
      token_hash: string;
      revoked_at: string | null;
      expires_at: string | null;
      instance_id: string;
      instance_name: string;
      workspace_id: string;
      paused_at: string | null;
    }>(
      'token-lookup',
      `select t.token_hash, t.revoked_at, t.expires_at, i.id as instance_id, i.name as instance_name, i.workspace_id, i.paused_at
         from sync_token t join instance i on i.id = t.instance_id
        where t.token_hash = any($1::text[])`,
      [[...new Set(batch.map((item) => item.tokenHash))]],
    );
    const byHash = new Map(rows.map((row) => [row.token_hash, row]));
    return batch.map(({ tokenHash, now }): TokenLookup => {
      const row = byHash.get(tokenHash);
      if (!row) return { ok: false, reason: 'unknown' };
      const status = tokenStatus({ revokedAt: toDate(row.revoked_at), expiresAt: toDate(row.expires_at) }, now);
      if (status !== 'ok') return { ok: false, reason: status };
      return {
        ok: true,
        owner: { instanceId: row.instance_id, instanceName: row.instance_name, workspaceId: row.workspace_id, paused: row.paused_at !== null },
      };
    });
  }

  /**
   * Stores a batch; if that fails for a reason other than the database being away, each snapshot
   * is retried on its own, so one bad item cannot fail its neighbours.
   */
  async #storeIsolated(batch: SnapshotToStore[]): Promise<StoreOutcome[]> {
    try {
      return await this.#storeWithRetry(batch);
    } catch (error) {
      if (isStorageUnavailable(error)) throw new StorageUnavailableError(error);
      if (batch.length === 1) {
        // The instance was removed after the statement read its token: the token no longer works.
        if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return [{ stored: false, reason: 'unknown' }];
        throw error;
      }
      const outcomes: StoreOutcome[] = [];
      for (const item of batch) outcomes.push(...(await this.#storeIsolated([item])));
      return outcomes;
    }
  }

  async #storeWithRetry(batch: SnapshotToStore[]): Promise<StoreOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#storeBatch(batch);
      } catch (error) {
        if (attempt >= 3 || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  async #storeBatch(batch: SnapshotToStore[]): Promise<StoreOutcome[]> {
    // Usage buckets unchanged since this process last stored them for the same token are not
    // sent: values only grow, so what we stored is at most what the database holds.
    const usage = { idx: [] as number[], hour: [] as string[], model: [] as string[], counts: USAGE_FIELDS.map(() => [] as number[]) };
    const sentUsage: { key: string; bucket: Snapshot["usage"][number] }[][] = batch.map(() => []);
    batch.forEach((item, idx) => {
      for (const bucket of item.snapshot.usage) {
        if (this.#usageSeen.isUnchanged(item.tokenHash, bucket)) continue;
        usage.idx.push(idx);
        usage.hour.push(bucket.hour);
        usage.model.push(bucket.model);
        USAGE_FIELDS.forEach((field, i) => usage.counts[i]!.push(bucket[field]));
        sentUsage[idx]!.push({ key: item.tokenHash, bucket });
      }
    });
    // The history keeps what was validated, re-serialised: the raw bytes could hold more than the
    // parsed value (the first of two duplicate keys), and that part was never checked.
    // Synchronous on purpose: zlib's async API costs more in stream machinery than level-1
    // deflate of a 13 KB body costs outright (measured with bench/ingest.ts).
    const bodies = batch.map((item) => deflateRawSync(JSON.stringify(item.snapshot), { level: 1 }));
    const bodyStarts: number[] = [];
    let bodyEnd = 0;
    for (const body of bodies) {
      bodyStarts.push(bodyEnd);
      bodyEnd += body.length;
    }
    const crons = batch.map((item) => JSON.stringify(item.snapshot.cron));
    const { rows } = await this.#query<IngestStatementRow>('store', INGEST_STATEMENT, [
      batch.map((_, idx) => idx),
      batch.map((item) => item.tokenHash),
      batch.map((item) => item.snapshot.snapshotId),
      batch.map((item) => item.snapshot.seq),
      batch.map((item) => item.receivedAt),
      batch.map((item) => item.snapshot.sentAt),
      batch.map((item) => item.nextSyncBefore),
      bodyStarts,
      batch.map((item) => item.snapshot.agent.version),
      batch.map((item) => item.snapshot.agent.intervalSeconds),
      batch.map((item) => JSON.stringify(item.snapshot.gateway)),
      batch.map((item) => JSON.stringify(item.snapshot.sessions)),
      batch.map((item) => JSON.stringify(item.snapshot.security)),
      crons,
      crons.map((text) => createHash('sha256').update(text).digest('hex')),
      usage.idx,
      usage.hour,
      usage.model,
      ...usage.counts,
      Buffer.concat(bodies, bodyEnd),
      bodies.map((body) => body.length),
    ]);

    const byIdx = new Map(rows.map((row) => [row.idx, row]));
    // A copy of a snapshot stored by a sibling in this same batch gets the sibling's answer.
    const storedNow = new Map<string, Date>();
    for (const row of rows) if (row.stored) storedNow.set(`${row.instance_id}|${batch[row.idx]!.snapshot.snapshotId}`, batch[row.idx]!.nextSyncBefore);
    const outcomes = batch.map((item, idx): StoreOutcome | UnansweredReplay => {
      const row = byIdx.get(idx)!;
      if (row.status !== 'ok') return { stored: false, reason: row.status };
      const owner: TokenOwner = { instanceId: row.instance_id!, instanceName: row.instance_name!, workspaceId: row.workspace_id!, paused: row.paused };
      if (row.stored) {
        this.#usageSeen.remember(sentUsage[idx]!);
        return { stored: true, replay: false, nextSyncBefore: item.nextSyncBefore, owner, worthEvaluating: row.worth_evaluating };
      }
      const first = row.first_answer ? new Date(row.first_answer) : storedNow.get(`${row.instance_id}|${item.snapshot.snapshotId}`);
      return first ? { stored: true, replay: true, nextSyncBefore: first, owner, worthEvaluating: false } : { unanswered: true, owner, snapshotId: item.snapshot.snapshotId };
    });
    return this.#answerConcurrentReplays(outcomes);
  }

  /**
   * A replay whose first copy was committed by a concurrent statement (another batch or process)
   * after this one began: the statement waited on that row's insert but could not see its answer.
   * Rare, so one extra read for them, to give the first answer as the contract promises.
   */
  async #answerConcurrentReplays(outcomes: (StoreOutcome | UnansweredReplay)[]): Promise<StoreOutcome[]> {
    const unanswered = outcomes.filter((outcome): outcome is UnansweredReplay => 'unanswered' in outcome);
    if (unanswered.length === 0) return outcomes as StoreOutcome[];
    const { rows } = await this.#query<{ instance_id: string; snapshot_id: string; next_sync_before: Date }>(
      'first-answers',
      `select s.instance_id, s.snapshot_id, s.next_sync_before
         from snapshot s join unnest($1::uuid[], $2::uuid[]) as k(instance_id, snapshot_id)
           on s.instance_id = k.instance_id and s.snapshot_id = k.snapshot_id`,
      [unanswered.map((u) => u.owner.instanceId), unanswered.map((u) => u.snapshotId)],
    );
    const firstAnswers = new Map(rows.map((row) => [`${row.instance_id}|${row.snapshot_id}`, new Date(row.next_sync_before)]));
    return outcomes.map((outcome): StoreOutcome => {
      if (!('unanswered' in outcome)) return outcome;
      const first = firstAnswers.get(`${outcome.owner.instanceId}|${outcome.snapshotId.toLowerCase()}`);
      // Pruned in between (retention runs for days, so only in theory): the row is gone, answer now.
      return { stored: true, replay: true, nextSyncBefore: first ?? new Date(), owner: outcome.owner, worthEvaluating: false };
    });
  }

  /**
   * Named statements are parsed and planned once per connection instead of once per batch, which
   * matters for a statement this wide — on the embedded database most of all, where planning runs
   * in WebAssembly (its session server keeps each connection's names apart).
   */
  #statement(name: string, text: string, values: unknown[]): QueryConfig {
    return { name: `deepclaw-ingest-${name}`, text, values };
  }

  async #query<Row extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<{ rows: Row[] }> {
    try {
      return await this.#pool.query<Row>(this.#statement(name, text, values));
    } catch (error) {
      if (isStorageUnavailable(error)) throw new StorageUnavailableError(error);
      throw error;
    }
  }
}

/** A replay whose first answer the ingest statement could not see (see #answerConcurrentReplays). */
interface UnansweredReplay {
  unanswered: true;
  owner: TokenOwner;
  snapshotId: string;
}

const USAGE_FIELDS = ['runs', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'costUsd', 'errors', 'missingCost'] as const;

/** MikroORM's pool returns timestamps as text; this side wants Dates. */
function toDate(value: string | null): Date | null {
  return value === null ? null : new Date(value);
}
