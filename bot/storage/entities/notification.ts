import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Event } from './event.ts';
import { Subscription } from './subscription.ts';

/**
 * The outbox, for every message the service sends on its own: one row per (event, subscribed
 * channel, action) for alerts, or a `notice` composed when it was queued (a rotation follow-up,
 * "this channel stopped receiving alerts"), addressed to a subscription or to a bare channel
 * (`platform`, `channelId`, optionally `threadRef`). Workers claim due rows with
 * `FOR UPDATE SKIP LOCKED` and a lease (`claimedUntil`), so a worker that dies between claiming
 * and sending leaves the row to be delivered again once the lease runs out. Failures are data on
 * the row (attempts, lastError, nextAttemptAt), never a tight retry loop.
 */
export const Notification = defineEntity({
  name: 'Notification',
  tableName: 'notification',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    /** The event an alert is about; null for a notice. */
    event: () => p.manyToOne(Event).deleteRule('cascade').nullable(),
    /** The receiving channel; null for a notice addressed to a bare channel (below). */
    subscription: () => p.manyToOne(Subscription).deleteRule('cascade').nullable(),
    /** A bare channel (where a command was typed), when there is no subscription. */
    platform: p.string().length(16).nullable(),
    channelId: p.string().length(128).nullable(),
    /** Reply under this message instead of posting to the channel (a command typed in a thread). */
    threadRef: p.json<Record<string, string | number>>().nullable(),
    /** A notice's message, rendered when it was queued (an AlertMessage). */
    message: p.json<Record<string, unknown>>().nullable(),
    /**
     * open | resolve | reminder | flapping | ack; for an incident's message (on its leader event)
     * also incident-update (an edit) | incident-news (a reply about problems that joined later);
     * for grouped stale alerts group-open | group-update | group-resolve; notice
     */
    action: p.string().length(16),
    /**
     * pending | sent | failed | grouped (a grouped stale alert covers it) | withdrawn (its incident
     * resolved before the alert went out: nobody is told of trouble that is already over)
     */
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
      // group updates (a member joining, then resolving) may repeat; notices are one-off messages.
      expression: `create unique index "notification_once_per_action" on "notification" ("event_id", "subscription_id", "action") where "action" not in ('reminder', 'group-update', 'notice', 'incident-update', 'incident-news')`,
    },
  ],
  // Serves the delivery claim: due pending rows, oldest first.
  indexes: [{ name: 'notification_due', expression: `create index "notification_due" on "notification" ("next_attempt_at") where "state" = 'pending'` }],
});

export type Notification = InferEntity<typeof Notification>;
