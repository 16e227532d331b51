import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/** A chat channel that receives a workspace's alerts. */
export const Subscription = defineEntity({
  name: 'Subscription',
  tableName: 'subscription',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    platform: p.string().length(16),
    channelId: p.string().length(128),
    /** Event kinds this channel wants; null means all of them. */
    kinds: p.json<string[]>().nullable(),
    mutedUntil: p.datetime().nullable(),
    /**
     * Who an opening alert pings (`subscribe --mention`): `here`, `channel` or `group:<id>` (a Slack
     * user group, a Discord role); null pings nobody. bot/subscriptions/mention-target.ts.
     */
    mention: p.string().length(64).nullable(),
    /** The least severity that carries the mention: critical (the default) or warning. */
    mentionSeverity: p.string().length(16).default('critical'),
    /**
     * The channel's digest (`/deepclaw digest daily 09:00`, `weekly mon 09:00`); null cadence is
     * none. The time is the workspace's wall clock (bot/workspaces/time-zone.ts), as minutes after
     * midnight; the weekday 0 = Sunday … 6 = Saturday, for weekly ones.
     */
    digestCadence: p.string().length(8).nullable(),
    digestWeekday: p.smallint().nullable(),
    digestMinute: p.smallint().nullable(),
    /** Send nothing for a period with nothing to say (`--skip-quiet`); by default it says "all quiet". */
    digestSkipQuiet: p.boolean().default(false),
    /** When the schedule was set: a period due before it is not sent (no digest the moment you ask). */
    digestSince: p.datetime().nullable(),
    /** Set when delivery failed permanently (bot removed, channel gone); `lastError` says why. */
    disabledAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: p.string().length(200),
  },
  uniques: [{ properties: ['workspace', 'platform', 'channelId'] }],
});

export type Subscription = InferEntity<typeof Subscription>;
