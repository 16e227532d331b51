import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Workspace } from './workspace.ts';

/** A chat (Slack team, Discord guild, Telegram chat) attached to a workspace by a link code. */
export const ChatLink = defineEntity({
  name: 'ChatLink',
  tableName: 'chat_link',
  properties: {
    id: p.uuid().primary().onCreate(() => crypto.randomUUID()),
    workspace: () => p.manyToOne(Workspace).deleteRule('cascade'),
    platform: p.string().length(16),
    /** Slack team id, Discord guild id or Telegram chat id. */
    externalId: p.string().length(128),
    linkedAt: p.datetime().onCreate(() => new Date()),
    linkedBy: p.string().length(200),
  },
  // Every inbound chat command resolves its workspace through this pair.
  uniques: [{ properties: ['platform', 'externalId'] }],
});

export type ChatLink = InferEntity<typeof ChatLink>;
