import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Subscription } from './subscription.ts';

/**
 * One row per (channel, digest period) that was queued: the key that makes a digest go out once per
 * period however many workers (or restarts) reach it. The digest job inserts it and the outbox row
 * in one statement (bot/digests/digest-job.ts), so a second insert queues nothing.
 */
export const DigestPeriod = defineEntity({
  name: 'DigestPeriod',
  tableName: 'digest_period',
  properties: {
    subscription: () => p.manyToOne(Subscription).primary().deleteRule('cascade'),
    /** The local date the digest was due on, in the workspace's time zone (`2026-12-03`). */
    period: p.string().length(10).primary(),
    queuedAt: p.datetime(),
    /** True when the period had nothing to say and the channel asked to skip those: nothing was queued. */
    skipped: p.boolean().default(false),
  },
});

export type DigestPeriod = InferEntity<typeof DigestPeriod>;
