import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * Raw snapshot history, pruned after DEEPCLAW_SNAPSHOT_RETENTION_DAYS. The primary key doubles as
 * the idempotency key: a replayed (instance, snapshotId) inserts nothing and gets the stored answer.
 */
export const Snapshot = defineEntity({
  name: 'Snapshot',
  tableName: 'snapshot',
  properties: {
    instance: () => p.manyToOne(Instance).primary().deleteRule('cascade'),
    snapshotId: p.uuid().primary(),
    seq: p.bigint('number'),
    receivedAt: p.datetime(),
    sentAt: p.datetime(),
    /** The answer given when it was accepted, returned again to a replay. */
    nextSyncBefore: p.datetime(),
    /**
     * The request body, deflate-raw compressed: a 13 KB snapshot becomes ~2 KB, small enough to
     * stay in the row (no TOAST chunks), which is most of what makes history cheap to keep.
     */
    body: p.blob(),
  },
  // Serves the retention job's "delete where received_at < cutoff". BRIN: rows arrive in
  // received_at order, so a block-range index is tiny and nearly free to maintain on insert.
  indexes: [{ properties: ['receivedAt'], type: 'brin' }],
});

export type Snapshot = InferEntity<typeof Snapshot>;
