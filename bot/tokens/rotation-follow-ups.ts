/**
 * After `/deepclaw rotate-token`, the channel where it was typed hears how it went: "✅ my-vps
 * synced with its new token at 12:03 UTC" once a snapshot arrives with the new token (ingest
 * records each token's first use), or — after two sync intervals without one — that it has not,
 * with what to check. The promise is a row written right after the rotation; the worker keeps it
 * by queueing each message in the notification outbox (a `notice` to the place the command was
 * typed), which delivers and retries it like every other message.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MessageRef } from '../chat/chat-adapter.ts';
import { humanDuration, utcTime } from '../human-format.ts';
import type { AlertMessage } from '../messages/alert-message.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { everySeconds } from '../scheduler/schedules.ts';
import { hashSyncToken } from './sync-token-format.ts';
import { sqlArray } from '../storage/sql-array.ts';

/** A follow-up nobody's agent answered within this long is dropped without another message. */
const GIVE_UP_AFTER_MS = 7 * 86_400_000;

export interface FollowUpPlace {
  platform: string;
  channelId: string;
  /** Reply under this message instead of posting to the channel (a command typed in a thread). */
  threadRef?: MessageRef;
}

/** Remembers to follow up on the rotation that issued `token` (the new token, never stored). */
export async function recordRotationFollowUp(
  em: EntityManager,
  input: { instanceId: string; intervalSeconds: number; token: string; place: FollowUpPlace; requestedBy: string; rotatedAt: Date },
): Promise<void> {
  await em.execute(
    `insert into rotation_follow_up (id, instance_id, token_id, platform, channel_id, thread_ref, requested_by, rotated_at, overdue_at)
     select gen_random_uuid(), ?, t.id, ?, ?, ?::jsonb, ?, ?, ? from sync_token t where t.token_hash = ?`,
    [
      input.instanceId,
      input.place.platform,
      input.place.channelId,
      input.place.threadRef ? JSON.stringify(input.place.threadRef) : null,
      input.requestedBy,
      input.rotatedAt,
      new Date(input.rotatedAt.getTime() + 2 * input.intervalSeconds * 1000),
      hashSyncToken(input.token),
    ],
  );
}

interface DueFollowUp {
  id: string;
  platform: string;
  channel_id: string;
  thread_ref: MessageRef | null;
  requested_by: string;
  rotated_at: string;
  overdue_at: string;
  overdue_notified_at: string | null;
  instance_name: string;
  interval_seconds: number;
  first_used_at: string | null;
  last_seen_at: string | null;
  /** When the old token(s) stop working, if a grace is still running. */
  old_token_until: string | null;
}

export interface FollowUpReport {
  synced: number;
  overdue: number;
}

/**
 * Queues every follow-up message that is due, each with the mark that it was said in one
 * statement (compare-and-set: a second run, or a second worker, queues nothing twice). Only for
 * `platforms` this worker can deliver to, so a message is never queued where nothing will send it.
 */
export async function queueRotationFollowUps(em: EntityManager, platforms: readonly string[], now: Date): Promise<FollowUpReport> {
  const report: FollowUpReport = { synced: 0, overdue: 0 };
  if (platforms.length === 0) return report;
  await em.execute(`update rotation_follow_up set done_at = ?, last_error = 'gave up: no sync with the new token within 7 days' where done_at is null and rotated_at < ?`, [
    now,
    new Date(now.getTime() - GIVE_UP_AFTER_MS),
  ]);
  const due = await em.execute<DueFollowUp[]>(
    `select f.id, f.platform, f.channel_id, f.thread_ref, f.requested_by, f.rotated_at, f.overdue_at, f.overdue_notified_at,
            i.name as instance_name, i.interval_seconds, t.first_used_at, s.last_seen_at,
            (select max(o.expires_at) from sync_token o
              where o.instance_id = f.instance_id and o.id <> f.token_id and o.revoked_at is null and o.expires_at > ?) as old_token_until
       from rotation_follow_up f
       join instance i on i.id = f.instance_id
       join sync_token t on t.id = f.token_id
       left join instance_state s on s.instance_id = f.instance_id
      where f.done_at is null and f.platform = any(?::text[])
        and (t.first_used_at is not null or (f.overdue_at <= ? and f.overdue_notified_at is null))
      order by f.rotated_at
      limit 50`,
    [now, sqlArray(platforms), now],
  );
  for (const row of due) {
    const synced = row.first_used_at !== null;
    const message = synced ? syncedMessage(row) : overdueMessage(row, now);
    const mark = synced ? `done_at = ?, last_error = null where id = ? and done_at is null` : `overdue_notified_at = ? where id = ? and overdue_notified_at is null`;
    const queued = await em.execute<{ affectedRows: number }>(
      `with marked as (update rotation_follow_up set ${mark} returning id)
       insert into notification (id, platform, channel_id, thread_ref, message, action, state, attempts, next_attempt_at, created_at)
       select gen_random_uuid(), ?, ?, ?::jsonb, ?::jsonb, 'notice', 'pending', 0, ?, ? from marked`,
      [now, row.id, row.platform, row.channel_id, row.thread_ref ? JSON.stringify(row.thread_ref) : null, JSON.stringify(message), now, now],
      'run',
    );
    if (queued.affectedRows === 0) continue;
    if (synced) report.synced += 1;
    else report.overdue += 1;
  }
  return report;
}


function syncedMessage(row: DueFollowUp): AlertMessage {
  const at = new Date(row.first_used_at!);
  return {
    title: `✅ ${row.instance_name} synced with its new token at ${utcTime(at)}`,
    severity: 'resolved',
    summary: `The token rotated ${humanDuration(at.getTime() - Date.parse(row.rotated_at))} earlier is in use.`,
    fields: [],
    actions: [],
  };
}

/** What to check depends on what DeepClaw sees: old-token snapshots still arriving, or silence. */
function overdueMessage(row: DueFollowUp, now: Date): AlertMessage {
  const rotatedAt = new Date(row.rotated_at);
  const lastSeen = row.last_seen_at ? new Date(row.last_seen_at) : undefined;
  const waited = humanDuration(now.getTime() - rotatedAt.getTime());
  let summary: string;
  if (lastSeen && lastSeen > rotatedAt && row.old_token_until) {
    summary =
      `Its agent still syncs with the old token, which stops working at ${utcTime(new Date(row.old_token_until))}. ` +
      `On that host, put the new token in the agent's token file (or DEEPCLAW_SYNC_TOKEN) before then.`;
  } else {
    const seen = lastSeen ? `The last snapshot arrived ${humanDuration(now.getTime() - lastSeen.getTime())} ago.` : 'It has never sent a snapshot.';
    summary =
      `${seen} On that host, check that the agent's token file (or DEEPCLAW_SYNC_TOKEN) holds the new token, ` +
      `that its cron line or timer still runs, and run it once with --verbose: exit code 6 means the token was refused, 5 that DeepClaw was unreachable.`;
  }
  return {
    title: `⚠️ ${row.instance_name} has not synced with its new token yet (${waited} after the rotation)`,
    severity: 'warning',
    summary,
    fields: [],
    actions: [],
  };
}

/** Every tick, on one worker: queue the follow-up messages that are due (delivery sends them). */
export function rotationFollowUpsJob(orm: Orm, platforms: readonly string[], tickSeconds: number): ScheduledJob {
  return {
    name: 'rotation-follow-ups',
    schedule: everySeconds(tickSeconds),
    // Queueing is compare-and-set, so a second worker would only repeat the reading.
    runsOn: 'one-worker',
    async run(now) {
      await queueRotationFollowUps(orm.em.fork(), platforms, now);
    },
  };
}
