import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/**
 * A read-only, expiring, revocable link to a spend report of one workspace over a date range.
 * The URL's secret is stored only as a hash; `visibleId` (its first characters) is what lists and
 * the audit log show.
 */
export const ShareLink = defineEntity({
  name: 'ShareLink',
  tableName: 'share_link',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    tokenHash: p.string().length(64).unique(),
    visibleId: p.string().length(16),
    /** First and last UTC day of the report, inclusive. */
    fromDay: p.datetime(),
    toDay: p.datetime(),
    /** What the admin ticked in beyond the aggregates: `instances`, `versions`, `cron`. */
    includes: p.json<string[]>(),
    createdAt: p.datetime(),
    createdBy: p.string().length(200),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedBy: p.string().length(200).nullable(),
  },
});

export type ShareLink = InferEntity<typeof ShareLink>;
