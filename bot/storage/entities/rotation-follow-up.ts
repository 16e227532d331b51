import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Instance } from './instance.ts';
import { SyncToken } from './sync-token.ts';

/**
 * A promise made in chat when a token was rotated: "I will tell this channel when my-vps syncs
 * with its new token" — or, after two sync intervals without that, that it has not and what to
 * check. Written with the rotation, worked off by the worker (bot/tokens/rotation-follow-ups.ts), which queues its messages in
 * the notification outbox.
 */
export const RotationFollowUp = defineEntity({
  name: 'RotationFollowUp',
  tableName: 'rotation_follow_up',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    instance: () => p.manyToOne(Instance).deleteRule('cascade'),
    /** The new token: its first use is what is being waited for. */
    token: () => p.manyToOne(SyncToken).deleteRule('cascade'),
    platform: p.string().length(16),
    channelId: p.string().length(128),
    /** Where to reply when the command came from a thread (the platform's message reference). */
    threadRef: p.json<Record<string, string | number>>().nullable(),
    requestedBy: p.string().length(200),
    rotatedAt: p.datetime(),
    /** rotatedAt + two sync intervals: past it, without a sync, the channel hears what to check. */
    overdueAt: p.datetime(),
    overdueNotifiedAt: p.datetime().nullable(),
    /** Set when the synced message was posted, or when the follow-up was given up on. */
    doneAt: p.datetime().nullable(),
    /** Why it was given up on. Its messages are retried by the outbox, not here. */
    lastError: p.text().nullable(),
  },
  // Serves the worker's "follow-ups not done yet".
  indexes: [{ name: 'rotation_follow_up_pending', expression: `create index "rotation_follow_up_pending" on "rotation_follow_up" ("overdue_at") where "done_at" is null` }],
});

export type RotationFollowUp = InferEntity<typeof RotationFollowUp>;
