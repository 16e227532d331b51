import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';

/**
 * One instance's trouble, alerted as one message: the events of an instance that open while an
 * earlier one is still open join its incident instead of paging on their own. The message hangs
 * off the leader event's notifications (the first member), is held back for the group wait so a
 * burst arrives whole, and is edited as members join and resolve; the last resolve closes it
 * (bot/notifications/incidents.ts). At most one incident per instance is open at a time.
 */
export const Incident = defineEntity({
  name: 'Incident',
  tableName: 'incident',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    instance: () => p.manyToOne(Instance).deleteRule('cascade'),
    /** The member whose notifications carry the incident's message (an id: it is never loaded). */
    leaderEventId: p.uuid(),
    openedAt: p.datetime(),
    /**
     * Opened by the instance's first snapshot: its state then (a ConnectedState), and the message
     * says "my-vps connected" with it.
     */
    connected: p.json<Record<string, string>>().nullable(),
    resolvedAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'incident_one_open_per_instance',
      // Two workers opening events of one instance at once still make one incident.
      expression: `create unique index "incident_one_open_per_instance" on "incident" ("instance_id") where "resolved_at" is null`,
    },
  ],
});

export type Incident = InferEntity<typeof Incident>;
