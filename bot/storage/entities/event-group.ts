import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/**
 * Several instances of one workspace that went stale within the same minute, alerted once
 * ("5 instances stopped syncing within a minute") instead of once each. Members point here through
 * `event.group_id`; the group's alert hangs off its leader event's notifications
 * (bot/notifications/stale-groups.ts).
 */
export const EventGroup = defineEntity({
  name: 'EventGroup',
  tableName: 'event_group',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    kind: p.string().length(32),
    /** The member whose notifications carry the grouped alert (its id, not a relation: it is never loaded). */
    leaderEventId: p.uuid(),
    openedAt: p.datetime(),
    /** New members join while the last one joined less than a minute ago. */
    lastJoinedAt: p.datetime(),
    resolvedAt: p.datetime().nullable(),
  },
  // Serves "the group of this workspace still taking members" on every stale open.
  indexes: [{ name: 'event_group_open', expression: `create index "event_group_open" on "event_group" ("workspace_id", "kind") where "resolved_at" is null` }],
});

export type EventGroup = InferEntity<typeof EventGroup>;
