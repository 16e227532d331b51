/**
 * Delivers due outbox rows — alerts and notices alike, one retry policy for every message the
 * service sends on its own — through the chat adapters. Every worker runs it (the delivery job is
 * not a singleton): rows are claimed with `FOR UPDATE SKIP LOCKED` and a lease, so each is sent by
 * one worker, and a worker that dies after claiming leaves the row to be sent again when its lease
 * runs out (at least once). The per-channel rate limit lives in the database, so it holds across
 * workers. Failures are data: retry-after and transient failures push `nextAttemptAt` forward; a
 * permanent one fails the row and disables the subscription, loudly (channel-stopped.ts).
 */
import type { Pool } from 'pg';
import { DeliveryError, type ChatAdapter, type MessageRef } from '../chat/chat-adapter.ts';
import type { EventKind } from '../events/decision.ts';
import { humanDuration } from '../human-format.ts';
import type { Logger } from '../logger.ts';
import { alertMessage, type AlertMessage } from '../messages/alert-message.ts';
import { staleGroupMessage } from '../messages/stale-group-message.ts';
import { redrawAfterAck } from './ack-redraw.ts';
import { deliverIncidentRow } from './incident-delivery.ts';
import { withMention } from './mentions.ts';
import { takeChannelSlot } from './channel-rate-limit.ts';
import { stopChannel } from './channel-stopped.ts';
import type { DeliveryObserver } from './delivery-observer.ts';

export interface DeliveryOptions {
  batchSize: number;
  /**
   * Messages one channel gets per second, counted in the database across every worker
   * (channel-rate-limit.ts): platforms throttle bursts to one channel (Slack: about one a second),
   * so the rest wait for the next window instead of being refused. For platforms whose adapter
   * names its own limits (`ChatAdapter.sendLimits`, Telegram), those apply instead.
   */
  maxPerChannelPerSecond: number;
  leaseSeconds: number;
  maxAttempts: number;
  /** For backoff jitter; injected by tests. */
  random?: () => number;
  /** Told the outcome of each row (metrics). */
  observer?: DeliveryObserver;
  /**
   * How long an incident's message waits after its first problem opened, so the problems of one
   * burst arrive as one message (Alertmanager's group_wait; `DEEPCLAW_GROUP_WAIT`, default 30 s).
   */
  groupWaitSeconds?: number;
  /**
   * The least time between two replies about problems that joined an incident later
   * (Alertmanager's group_interval; `DEEPCLAW_GROUP_INTERVAL`, default 5 min); edits are immediate.
   */
  groupIntervalSeconds?: number;
}

export const DEFAULT_GROUP_INTERVAL_SECONDS = 300;

export const DEFAULT_DELIVERY: DeliveryOptions = { batchSize: 50, maxPerChannelPerSecond: 5, leaseSeconds: 60, maxAttempts: 10 };

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

export interface Claimed {
  id: string;
  action: 'open' | 'resolve' | 'reminder' | 'flapping' | 'ack' | 'incident-update' | 'incident-news' | 'group-open' | 'group-update' | 'group-resolve' | 'notice';
  attempts: number;
  /** The event's columns are null for a notice (its message is rendered already). */
  event_id: string;
  group_id: string | null;
  kind: EventKind;
  summary: string;
  opened_at: string;
  resolved_at: string | null;
  resolve_summary: string | null;
  instance_name: string;
  /** Null for a notice addressed to a bare channel. */
  subscription_id: string | null;
  platform: string;
  channel_id: string;
  thread_ref: MessageRef | null;
  message: AlertMessage | null;
  /** The message this row acts on: the event's own alert, or its incident's (on the leader). */
  open_ref: MessageRef | null;
  open_state: string | null;
  open_sent_at: string | null;
  /** Null for events opened before incidents existed, and for notices. */
  incident_id: string | null;
  /** The subscription's `--mention` (mentions.ts); null for a notice to a bare channel. */
  mention: string | null;
  mention_severity: string | null;
}

/** `logger` hears of every channel that stops receiving alerts (a warning, never silence). */
export async function deliverDue(pool: Pool, adapters: ReadonlyMap<string, ChatAdapter>, now: Date, options = DEFAULT_DELIVERY, logger?: Logger): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const claimed = await claim(pool, [...adapters.keys()], now, options);
  // Group updates made redundant by a grouped alert rendered later in this run (already marked sent).
  const covered = new Set<string>();
  for (const row of claimed) {
    if (covered.has(row.id)) continue;
    const adapter = adapters.get(row.platform)!;
    // The platform's own flood limits where it names them (Telegram), else the default per second.
    const limits = adapter.sendLimits?.(row.channel_id);
    const slot = await takeChannelSlot(pool, { platform: row.platform, channelId: limits?.countedAs ?? row.channel_id }, now, limits?.limits ?? options.maxPerChannelPerSecond);
    if (!slot.taken) {
      await reschedule(pool, row.id, slot.retryAt, null, true);
      report.retried += 1;
      options.observer?.delivered({ result: 'retried', platform: row.platform, reason: 'channel-limit' });
      continue;
    }
    try {
      // One event's own alert: its post, edits and replies.
      const single = () => (row.action === 'ack' ? redrawAfterAck(pool, adapter, row) : send(adapter, row, now));
      const ref =
        row.action === 'notice'
          ? await sendNotice(adapter, row)
          : row.action.startsWith('group-')
            ? await sendGroupNotice(pool, adapter, row, now, covered)
            : row.incident_id
              ? await deliverIncidentRow(pool, adapter, row, { now, groupIntervalSeconds: options.groupIntervalSeconds ?? DEFAULT_GROUP_INTERVAL_SECONDS, single })
              : await single();
      if (ref === 'deferred' || ref instanceof Date) {
        // Waiting for the message it edits (5 s), or for the group interval to pass (until then).
        await reschedule(pool, row.id, ref === 'deferred' ? new Date(now.getTime() + 5000) : ref, null, true);
        report.retried += 1;
        options.observer?.delivered({ result: 'retried', platform: row.platform, reason: 'deferred' });
        continue;
      }
      await pool.query(`update notification set state = 'sent', sent_at = $2, message_ref = $3, claimed_until = null, last_error = null where id = $1`, [
        row.id,
        now,
        ref ? JSON.stringify(ref) : null,
      ]);
      report.sent += 1;
      options.observer?.delivered({ result: 'sent', platform: row.platform, action: row.action, openedAt: new Date(row.opened_at), acceptedAt: new Date() });
    } catch (error) {
      const failure = error instanceof DeliveryError ? error : new DeliveryError('transient', (error as Error).message);
      if (failure.kind === 'permanent' || row.attempts >= options.maxAttempts) {
        await pool.query(`update notification set state = 'failed', last_error = $2, claimed_until = null where id = $1`, [row.id, failure.message]);
        if (failure.kind === 'permanent' && row.subscription_id) {
          const stopped = await stopChannel(pool, { subscriptionId: row.subscription_id, reason: failure.message, at: now });
          if (stopped) {
            logger?.warn(
              { platform: stopped.platform, channel: stopped.channelId, reason: stopped.reason, since: stopped.since, noticesQueued: stopped.noticesQueued },
              `${stopped.platform}:${stopped.channelId} stopped receiving alerts: ${stopped.reason}`,
            );
          }
        } else if (failure.kind === 'permanent') {
          logger?.warn({ platform: row.platform, channel: row.channel_id, reason: failure.message, notification: row.id }, 'a notice could not be delivered');
        }
        report.failed += 1;
        options.observer?.delivered({ result: 'failed', platform: row.platform, reason: failure.kind === 'permanent' ? 'permanent' : 'attempts-exhausted' });
      } else {
        const waitSeconds = failure.kind === 'retry-after' && failure.retryAfterSeconds ? failure.retryAfterSeconds : backoffSeconds(row.attempts, options.random ?? Math.random);
        await reschedule(pool, row.id, new Date(now.getTime() + waitSeconds * 1000), failure.message, false);
        report.retried += 1;
        options.observer?.delivered({ result: 'retried', platform: row.platform, reason: failure.kind === 'retry-after' ? 'retry-after' : 'transient' });
      }
    }
  }
  return report;
}

/** 5 s, 10 s, 20 s, … up to 15 min, with ±20% jitter so retries of many rows spread out. */
export function backoffSeconds(attempts: number, random: () => number): number {
  const base = Math.min(900, 5 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** A message rendered when it was queued: posted, or replied under the thread it came from. */
async function sendNotice(adapter: ChatAdapter, row: Claimed): Promise<MessageRef> {
  const message = row.message!;
  if (row.thread_ref) return adapter.reply(row.thread_ref, `${message.title}\n${message.summary}`);
  return adapter.post(row.channel_id, message);
}

async function send(adapter: ChatAdapter, row: Claimed, now: Date): Promise<MessageRef | undefined | 'deferred'> {
  const facts = { eventId: row.event_id, instanceName: row.instance_name, kind: row.kind, summary: row.summary, openedAt: new Date(row.opened_at) };
  if (row.action === 'open') return adapter.post(row.channel_id, withMention(alertMessage(facts), row));
  if (row.action === 'flapping') {
    const text = `Flapping: this alert kept opening and resolving, so it is held open until it has been steady for an hour.`;
    return row.open_ref ? adapter.reply(row.open_ref, text) : adapter.post(row.channel_id, alertMessage(facts));
  }
  if (row.action === 'reminder') {
    const text = `Still open after ${humanDuration(now.getTime() - facts.openedAt.getTime())}: ${row.summary}`;
    return row.open_ref ? adapter.reply(row.open_ref, text) : adapter.post(row.channel_id, alertMessage(facts));
  }
  const resolvedMessage = alertMessage({
    ...facts,
    resolved: { at: new Date(row.resolved_at ?? row.opened_at), summary: row.resolve_summary ?? 'resolved' },
  });
  // The alert is still on its way: resolve it once it has been posted, so it can be edited.
  if (!row.open_ref && row.open_state === 'pending') return 'deferred';
  if (!row.open_ref) return adapter.post(row.channel_id, resolvedMessage);
  await adapter.update(row.open_ref, resolvedMessage);
  return adapter.reply(row.open_ref, `Resolved: ${row.resolve_summary ?? ''}`.trim());
}

/**
 * The grouped stale alert: posted once, then edited as members join and recover (stale-groups.ts).
 * Each post or edit shows the group as it is now, so the pending updates queued before it are
 * covered: they are marked sent (and added to `covered`) instead of each editing the message again.
 */
async function sendGroupNotice(pool: Pool, adapter: ChatAdapter, row: Claimed, now: Date, covered: Set<string>): Promise<MessageRef | undefined | 'deferred'> {
  const { rows: groups } = await pool.query<{ opened_at: string; resolved_at: string | null; group_ref: MessageRef | null; group_state: string | null }>(
    `select g.opened_at, g.resolved_at, o.message_ref as group_ref, o.state as group_state
       from event_group g
       left join notification o on o.event_id = g.leader_event_id and o.subscription_id = $2 and o.action = 'group-open'
      where g.id = $1`,
    [row.group_id, row.subscription_id],
  );
  const group = groups[0];
  // The event left its group (it cannot today, but a deleted group must not wedge the outbox).
  if (!group) return undefined;
  // Read before the members: every update committed by now is reflected in what is rendered below.
  const { rows: pendingUpdates } = await pool.query<{ id: string }>(
    `select n.id from notification n join event e on e.id = n.event_id
      where e.group_id = $1 and n.subscription_id = $2 and n.action = 'group-update' and n.state = 'pending' and n.id <> $3`,
    [row.group_id, row.subscription_id, row.id],
  );
  const { rows: members } = await pool.query<{ instance_name: string; resolved: boolean }>(
    `select i.name as instance_name, e.state = 'resolved' as resolved
       from event e join instance i on i.id = e.instance_id where e.group_id = $1 order by i.name`,
    [row.group_id],
  );
  const message = staleGroupMessage({
    openedAt: new Date(group.opened_at),
    members: members.map((m) => ({ instanceName: m.instance_name, resolved: m.resolved })),
    resolvedAt: group.resolved_at ? new Date(group.resolved_at) : undefined,
  });
  const coverPendingUpdates = async () => {
    const ids = pendingUpdates.map((u) => u.id);
    for (const id of ids) covered.add(id);
    if (ids.length > 0) await pool.query(`update notification set state = 'sent', sent_at = $2 where id = any($1::uuid[]) and state = 'pending'`, [ids, now]);
  };
  if (row.action === 'group-open') {
    const ref = await adapter.post(row.channel_id, message);
    await coverPendingUpdates();
    return ref;
  }
  // The grouped alert is still on its way: edit it once it has been posted.
  if (!group.group_ref && group.group_state === 'pending') return 'deferred';
  if (!group.group_ref) return undefined;
  await adapter.update(group.group_ref, message);
  await coverPendingUpdates();
  if (row.action === 'group-resolve') return adapter.reply(group.group_ref, `Resolved: ${message.summary}`);
  return undefined;
}

async function claim(pool: Pool, platforms: string[], now: Date, options: DeliveryOptions): Promise<Claimed[]> {
  // A row is addressed to a subscription, or (a notice) to a bare channel: platform and channel_id.
  const { rows } = await pool.query<Claimed>(
    `with due as (
       select n.id from notification n
         left join subscription s on s.id = n.subscription_id
         -- An incident's message waits for the group wait after its first problem opened.
         left join event ge on n.action = 'open' and ge.id = n.event_id
         left join incident gi on gi.id = ge.incident_id
        where n.state = 'pending' and n.next_attempt_at <= $1 and (n.claimed_until is null or n.claimed_until < $1)
          and coalesce(s.platform, n.platform) = any($2::text[]) and s.disabled_at is null
          and (gi.id is null or gi.opened_at <= $1 - make_interval(secs => $5))
        order by n.next_attempt_at
        limit $3
        for update of n skip locked
     ),
     claimed as (
       update notification n set claimed_until = $1 + make_interval(secs => $4), attempts = n.attempts + 1
         from due where n.id = due.id
       returning n.*
     )
     select c.id, c.action, c.attempts, e.id as event_id, e.group_id, e.kind, e.summary, e.opened_at, e.resolved_at, e.resolve_summary,
            i.name as instance_name, s.id as subscription_id,
            coalesce(s.platform, c.platform) as platform, coalesce(s.channel_id, c.channel_id) as channel_id, c.thread_ref, c.message,
            o.message_ref as open_ref, o.state as open_state, o.sent_at as open_sent_at, e.incident_id, s.mention, s.mention_severity
       from claimed c
       left join event e on e.id = c.event_id
       left join instance i on i.id = e.instance_id
       left join subscription s on s.id = c.subscription_id
       left join incident inc on inc.id = e.incident_id
       left join notification o on o.event_id = coalesce(inc.leader_event_id, c.event_id) and o.subscription_id = c.subscription_id and o.action = 'open'
      order by c.created_at`,
    [now, platforms, options.batchSize, options.leaseSeconds, options.groupWaitSeconds ?? 0],
  );
  return rows;
}

async function reschedule(pool: Pool, id: string, at: Date, error: string | null, refund: boolean): Promise<void> {
  await pool.query(
    `update notification set next_attempt_at = $2, claimed_until = null, last_error = coalesce($3, last_error),
            attempts = attempts - case when $4 then 1 else 0 end
      where id = $1`,
    [id, at, error, refund],
  );
}
