/**
 * Chat channels that receive a workspace's alerts: `/deepclaw subscribe [kinds…]`, `unsubscribe`,
 * and the subscription a `link` creates. Subscribing again changes the kinds and re-enables a
 * channel that delivery had disabled (the admin is saying "this channel works now").
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { EventKind } from '../events/decision.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
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

/** A workspace's channel as an operator needs to see it: what it gets, and whether it still does. */
export interface SubscriptionListing {
  platform: string;
  channelId: string;
  /** Event kinds it wants; null means every kind. */
  kinds: string[] | null;
  mutedUntil: Date | null;
  /** Set when delivery failed for good: since when, and the platform's reason. */
  disabled: { since: Date; reason: string } | null;
  createdAt: Date;
  createdBy: string;
}

/**
 * Every subscription of the workspace, disabled ones included (the CLI's `subscription list`;
 * `/deepclaw status` can show the disabled ones), by platform and channel.
 */
export async function listSubscriptions(em: EntityManager, workspace: Workspace): Promise<SubscriptionListing[]> {
  const rows = await em.find(Subscription, { workspace }, { orderBy: { platform: 'asc', channelId: 'asc' } });
  return rows.map((row) => ({
    platform: row.platform,
    channelId: row.channelId,
    kinds: row.kinds ?? null,
    mutedUntil: row.mutedUntil ?? null,
    disabled: row.disabledAt ? { since: row.disabledAt, reason: row.lastError ?? 'unknown' } : null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  }));
}

/** `slack:C0123` → its parts; the channel id may itself hold colons (the console's does not). */
export function parseChannelAddress(text: string): ChannelAddress {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new InvalidInputError('bad_channel', `"${text}" is not a channel: write <platform>:<channel>, e.g. slack:C0123ABCD (deepclaw subscription list shows them)`);
  }
  return { platform: text.slice(0, colon), channelId: text.slice(colon + 1) };
}

/**
 * Turns a disabled channel back on ("it works now": the bot was invited back), audited; returns
 * what it had been disabled for, or null when it was not disabled (nothing changes then).
 */
export async function enableSubscription(
  em: EntityManager,
  input: { workspace: Workspace; channel: ChannelAddress; actor: Actor; now?: Date },
): Promise<{ wasDisabled: { since: Date; reason: string } | null }> {
  const address = `${input.channel.platform}:${input.channel.channelId}`;
  return em.transactional(async (tx) => {
    const row = await tx.findOne(Subscription, { workspace: input.workspace, platform: input.channel.platform, channelId: input.channel.channelId });
    if (!row) {
      throw new NotFoundError('subscription_not_found', `${address} is not subscribed in workspace "${input.workspace.name}"; deepclaw subscription list shows its channels`, {
        channel: address,
      });
    }
    if (!row.disabledAt) return { wasDisabled: null };
    const wasDisabled = { since: row.disabledAt, reason: row.lastError ?? 'unknown' };
    row.disabledAt = null;
    row.lastError = null;
    recordAudit(tx, {
      action: 'channel.enabled',
      actor: input.actor,
      workspace: input.workspace,
      subject: address,
      details: { disabledSince: wasDisabled.since, reason: wasDisabled.reason },
      at: input.now,
    });
    return { wasDisabled };
  });
}
