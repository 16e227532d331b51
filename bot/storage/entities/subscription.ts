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
    /** Set when delivery failed permanently (bot removed, channel gone); `lastError` says why. */
    disabledAt: p.datetime().nullable(),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    createdBy: p.string().length(200),
  },
  uniques: [{ properties: ['workspace', 'platform', 'channelId'] }],
});

export type Subscription = InferEntity<typeof Subscription>;
