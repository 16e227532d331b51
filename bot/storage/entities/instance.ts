import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/** One OpenClaw gateway host that pushes snapshots with its own sync token. */
export const Instance = defineEntity({
  name: 'Instance',
  tableName: 'instance',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    name: p.string().length(63),
    /** How often the agent is expected to sync; the stale rule's clock. */
    intervalSeconds: p.integer().default(300),
    /** A paused instance still stores snapshots but raises no events. */
    pausedAt: p.datetime().nullable(),
    /** Alerts for this instance are not sent until then (events still open and resolve). */
    mutedUntil: p.datetime().nullable(),
    /** When its first snapshot was announced ("my-vps connected"); null until it first syncs. */
    connectedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  // Serves every lookup by name ("rotate-token my-vps") and keeps names unique per workspace.
  uniques: [{ properties: ['workspace', 'name'] }],
});

export type Instance = InferEntity<typeof Instance>;
