import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Event } from './event.ts';
import { Subscription } from './subscription.ts';

/**
 * The outbox: one row per (event, subscribed channel, action). Workers claim due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease (`claimedUntil`), so a worker that dies between claiming
 * and sending leaves the row to be delivered again once the lease runs out. Failures are data on
 * the row (attempts, lastError, nextAttemptAt), never a tight retry loop.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    event: () => p.manyToOne(Event).deleteRule('cascade'),
    subscription: () => p.manyToOne(Subscription).deleteRule('cascade'),
    /** open | resolve | reminder | flapping; for grouped stale alerts group-open | group-update | group-resolve */
    action: p.string().length(16),
    /** pending | sent | failed | grouped (withdrawn: a grouped stale alert covers it) */
    state: p.string().length(16),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    claimedUntil: p.datetime().nullable(),
    lastError: p.text().nullable(),
    /** The platform's reference to the posted message, so a resolve can edit the original alert. */
    messageRef: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime(),
    sentAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'notification_once_per_action',
      // Opening and resolving notify each channel once, whichever worker gets there. Reminders and
      // group updates (a member joining, then resolving) may repeat.
      expression: `create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update')`,
    },
  ],
  // Serves the delivery claim: due pending rows, oldest first.
  indexes: [{ name: 'notification_due', expression: `create index "notification_due" on "notification" ("next_attempt_at") where "state" = 'pending'` }],
});

export type Notification = InferEntity<typeof Notification>;
