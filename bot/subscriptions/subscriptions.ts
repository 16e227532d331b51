/**
 * Chat channels that receive a workspace's alerts: `/deepclaw subscribe [kinds…]`, `unsubscribe`,
 * and the subscription a `link` creates. Subscribing again changes the kinds and re-enables a
 * channel that delivery had disabled (the admin is saying "this channel works now").
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { EventKind } from '../events/decision.ts';
import { Subscription, type Workspace } from '../storage/entities/index.ts';

export interface ChannelAddress {
  platform: string;
  channelId: string;
}

/** Creates or updates the channel's subscription; `kinds` null means every kind. */
export async function subscribeChannel(
  em: EntityManager,
  input: { workspace: Workspace; channel: ChannelAddress; kinds: EventKind[] | null; actor: Actor; now?: Date },
): Promise<{ created: boolean; wasDisabled: boolean }> {
  const now = input.now ?? new Date();
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<{ created: boolean; was_disabled: boolean }[]>(
      `insert into subscription (id, workspace_id, platform, channel_id, kinds, created_at, created_by)
       values (gen_random_uuid(), ?, ?, ?, ?::jsonb, ?, ?)
       on conflict (workspace_id, platform, channel_id) do update
         set kinds = excluded.kinds, disabled_at = null, last_error = null
       returning (xmax = 0) as created,
                 coalesce((select s.disabled_at is not null from subscription s where s.id = subscription.id), false) as was_disabled`,
      [input.workspace.id, input.channel.platform, input.channel.channelId, input.kinds ? JSON.stringify(input.kinds) : null, now, input.actor.id],
    );
    recordAudit(tx, {
      action: 'channel.subscribed',
      actor: input.actor,
      workspace: input.workspace,
      subject: `${input.channel.platform}:${input.channel.channelId}`,
      details: { kinds: input.kinds },
      at: now,
    });
    return { created: row!.created, wasDisabled: row!.was_disabled };
  });
}

/** Removes the channel's subscription; false when it had none. */
export async function unsubscribeChannel(em: EntityManager, input: { workspace: Workspace; channel: ChannelAddress; actor: Actor; now?: Date }): Promise<boolean> {
  return em.transactional(async (tx) => {
    const removed = await tx.nativeDelete(Subscription, { workspace: input.workspace, platform: input.channel.platform, channelId: input.channel.channelId });
    if (removed === 0) return false;
    recordAudit(tx, {
      action: 'channel.unsubscribed',
      actor: input.actor,
      workspace: input.workspace,
      subject: `${input.channel.platform}:${input.channel.channelId}`,
      at: input.now,
    });
    return true;
  });
}
