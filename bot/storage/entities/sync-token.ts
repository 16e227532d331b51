import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * A credential that writes snapshots for exactly one instance. Only its SHA-256 is stored; the
 * token itself is shown once, when issued.
 */
export const SyncToken = defineEntity({
  name: 'SyncToken',
  tableName: 'sync_token',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    instance: () => p.manyToOne(Instance).deleteRule('cascade').index(),
    /** The token's first characters (`dcs_AbC123`), safe to show so people can tell tokens apart. */
    visibleId: p.string().length(16),
    /** Hex SHA-256 of the whole token; the unique index serves the per-request lookup. */
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: p.string().length(200),
    /** Set when a rotation grants a grace period: the token works until then. */
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    revokedBy: p.string().length(200).nullable(),
    /**
     * When a snapshot first came with this token (set once by ingest): how chat knows an instance
     * synced with its new token after a rotation.
     */
    firstUsedAt: p.datetime().nullable(),
  },
});

export type SyncToken = InferEntity<typeof SyncToken>;
