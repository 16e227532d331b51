import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { EventGroup } from './event-group.ts';
import { Incident } from './incident.ts';
import { Instance } from './instance.ts';

/**
 * Something a human may need to look at: one open event per (instance, kind, key), from `open`
 * through `acked` to `resolved`. Transitions are compare-and-set updates (bot/events/event-store.ts),
 * so two workers evaluating at once cannot both open, or both resolve, the same event.
 */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'event',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    instance: () => p.manyToOne(Instance).deleteRule('cascade'),
    /** stale, gateway-down, cron-failed, cron-missed, cost-drift, error-spike, security */
    kind: p.string().length(32),
    /** Which thing of that kind: `agent`, a cron job id, a security check, … */
    key: p.string().length(128),
    state: p.string().length(16),
    /** The figures in words, as first alerted. */
    summary: p.text(),
    /** The figures behind the decision, refreshed while the event stays open. */
    details: p.json<Record<string, unknown>>(),
    openedAt: p.datetime(),
    ackedAt: p.datetime().nullable(),
    ackedBy: p.string().length(200).nullable(),
    resolvedAt: p.datetime().nullable(),
    resolveSummary: p.text().nullable(),
    /** Set when the event is alerted as part of a grouped stale alert instead of on its own. */
    group: () => p.manyToOne(EventGroup).nullable().deleteRule('set null'),
    /** The instance's incident this event is alerted in (bot/notifications/incidents.ts). */
    incident: () => p.manyToOne(Incident).nullable().deleteRule('set null'),
  },
  uniques: [
    {
      name: 'event_one_open_per_key',
      // The guarantee behind "never double-page": a second open of the same key fails to insert.
      expression: `create unique index "event_one_open_per_key" on "event" ("instance_id", "kind", "key") where "state" <> 'resolved'`,
    },
  ],
  // Serves "the open events of these instances" on every evaluation tick.
  indexes: [
    { name: 'event_open_by_instance', expression: `create index "event_open_by_instance" on "event" ("instance_id") where "state" <> 'resolved'` },
    // Serves "the members of this incident" whenever its message is drawn.
    { name: 'event_by_incident', expression: `create index "event_by_incident" on "event" ("incident_id") where "incident_id" is not null` },
  ],
});

export type Event = InferEntity<typeof Event>;
