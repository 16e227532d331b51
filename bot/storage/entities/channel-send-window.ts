import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The per-channel rate limit of delivery, shared by every worker: how many messages one channel
 * got in the current window of each length its platform limits (Slack: one second; Telegram: one
 * second and, in groups, one minute). A worker takes a slot with one conditional upsert before
 * it sends (bot/notifications/channel-rate-limit.ts), so W workers together stay under the limit.
 */
export const ChannelSendWindow = defineEntity({
  name: 'ChannelSendWindow',
  tableName: 'channel_send_window',
  properties: {
    platform: p.string().length(16).primary(),
    channelId: p.string().length(128).primary(),
    /** The window's length: a channel has one row per limit its platform sets. */
    windowSeconds: p.integer().primary().default(1),
    windowStartedAt: p.datetime(),
    sent: p.integer(),
  },
});

export type ChannelSendWindow = InferEntity<typeof ChannelSendWindow>;
