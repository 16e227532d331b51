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
import type { Mention } from '../messages/message.ts';
import { Subscription, type Workspace } from '../storage/entities/index.ts';
import { describeSchedule, type DigestSchedule } from '../digests/digest-schedule.ts';
import { DEFAULT_MENTION_SEVERITY, fromStoredMention, toStoredMention, type MentionSeverity } from './mention-target.ts';

export interface ChannelAddress {
  platform: string;
  channelId: string;
}

/** Who the channel's opening alerts ping, and from which severity; `target` null pings nobody. */
export interface MentionSetting {
  target: Mention | null;
  severity: MentionSeverity;
}

/** A channel's mention as stored: someone to ping, from which severity. */
export interface ChannelMention {
  target: Mention;
  severity: MentionSeverity;
}

/**
 * Creates or updates the channel's subscription; `kinds` null means every kind. `mention`
 * undefined keeps the channel's mention as it was (none for a new channel).
 */
export async function subscribeChannel(
  em: EntityManager,
  input: { workspace: Workspace; channel: ChannelAddress; kinds: EventKind[] | null; mention?: MentionSetting; actor: Actor; now?: Date },
): Promise<{ created: boolean; wasDisabled: boolean; mention: ChannelMention | null }> {
  const now = input.now ?? new Date();
  const setsMention = input.mention !== undefined;
  const stored = input.mention?.target ? toStoredMention(input.mention.target) : null;
  const severity = input.mention?.severity ?? DEFAULT_MENTION_SEVERITY;
  return em.transactional(async (tx) => {
    const [row] = await tx.execute<{ created: boolean; was_disabled: boolean; mention: string | null; mention_severity: string }[]>(
      `insert into subscription (id, workspace_id, platform, channel_id, kinds, mention, mention_severity, created_at, created_by)
       values (gen_random_uuid(), ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
       on conflict (workspace_id, platform, channel_id) do update
         set kinds = excluded.kinds, disabled_at = null, last_error = null,
             mention = case when ?::boolean then excluded.mention else subscription.mention end,
             mention_severity = case when ?::boolean then excluded.mention_severity else subscription.mention_severity end
       returning (xmax = 0) as created,
                 coalesce((select s.disabled_at is not null from subscription s where s.id = subscription.id), false) as was_disabled,
                 mention, mention_severity`,
      [input.workspace.id, input.channel.platform, input.channel.channelId, input.kinds ? JSON.stringify(input.kinds) : null, stored, severity, now, input.actor.id, setsMention, setsMention],
    );
    recordAudit(tx, {
      action: 'channel.subscribed',
      actor: input.actor,
      workspace: input.workspace,
      subject: `${input.channel.platform}:${input.channel.channelId}`,
      details: { kinds: input.kinds, ...(setsMention ? { mention: stored, mentionSeverity: severity } : {}) },
      at: now,
    });
    const mention = fromStoredMention(row!.mention);
    return { created: row!.created, wasDisabled: row!.was_disabled, mention: mention ? { target: mention, severity: row!.mention_severity === 'warning' ? 'warning' : 'critical' } : null };
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
  /** Who its opening alerts ping; null for nobody. */
  mention: ChannelMention | null;
  /** Its digest schedule; null for none. */
  digest: DigestSchedule | null;
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
    mention: mentionOf(row),
    digest: digestOf(row),
    disabled: row.disabledAt ? { since: row.disabledAt, reason: row.lastError ?? 'unknown' } : null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  }));
}

function mentionOf(row: Subscription): ChannelMention | null {
  const target = fromStoredMention(row.mention);
  return target ? { target, severity: row.mentionSeverity === 'warning' ? 'warning' : 'critical' } : null;
}

/** The subscription's digest columns as a schedule; null when it has none. */
export function digestOf(row: Pick<Subscription, 'digestCadence' | 'digestMinute' | 'digestWeekday' | 'digestSkipQuiet'>): DigestSchedule | null {
  if ((row.digestCadence !== 'daily' && row.digestCadence !== 'weekly') || row.digestMinute == null) return null;
  return {
    cadence: row.digestCadence,
    minuteOfDay: row.digestMinute,
    ...(row.digestCadence === 'weekly' ? { weekday: row.digestWeekday ?? 1 } : {}),
    skipQuiet: row.digestSkipQuiet,
  };
}

/** `daily 09:00` or `-`, for listings. */
export function digestText(digest: DigestSchedule | null): string {
  return digest ? describeSchedule(digest) : '-';
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
