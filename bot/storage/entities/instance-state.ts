import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * What the newest snapshot of an instance said, one row per instance. Kept apart from `instance`
 * (which admins edit) so ingest's hot upsert never contends with a token rotation's row lock.
 * Written by ingest with raw SQL (bot/snapshots/snapshot-store.ts); the entity defines the schema.
 */
export const InstanceState = defineEntity({
  name: 'InstanceState',
  tableName: 'instance_state',
  properties: {
    instance: () => p.oneToOne(Instance).primary().deleteRule('cascade').owner(),
    /** When the newest snapshot arrived (server clock): what the stale rule watches. */
    lastSeenAt: p.datetime(),
    /** Highest `seq` stored; an older one updates `lastSeenAt` but never the state below. */
    lastSeq: p.bigint('number'),
    lastSnapshotId: p.uuid(),
    lastSentAt: p.datetime(),
    /** receivedAt - sentAt of the newest snapshot; large values are reported, not corrected. */
    clockSkewMs: p.bigint('number'),
    agentVersion: p.string().length(64),
    /** The interval the agent says it syncs at. */
    agentIntervalSeconds: p.integer(),
    gateway: p.json<Record<string, unknown>>(),
    sessions: p.json<Record<string, unknown>>(),
    security: p.json<Record<string, unknown>>(),
    /** Digest of the newest snapshot's cron list: an unchanged list costs no cron_job work. */
    cronDigest: p.string().length(64),
    /**
     * Whether the last state change also changed the cron list. Computed inside the upsert from
     * the locked, latest row, so concurrent writers agree on it; ingest reads it back through
     * RETURNING to decide whether to rewrite cron_job.
     */
    cronChanged: p.boolean(),
  },
});

export type InstanceState = InferEntity<typeof InstanceState>;
