/**
 * Queues each channel's digest once per period: every minute, for every subscribed channel whose
 * digest is due (digest-schedule.ts, on the workspace's clock), the facts are gathered, the message
 * built, and a `notice` outbox row queued that delivery sends like any other message. The key is a
 * `digest_period` row per (subscription, period), inserted in the same statement as the outbox
 * row: a second worker, a rerun or a restart inserts nothing, so the channel gets it once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { digestMessage, isQuietDigest, type DigestBudgets } from '../messages/digest-message.ts';
import type { ScheduledJob } from '../scheduler/scheduler.ts';
import type { Orm } from '../storage/orm.ts';
import { digestOf } from '../subscriptions/subscriptions.ts';
import { workspaceTimeZone } from '../workspaces/time-zone.ts';
import { workspaceBudgetStandings } from '../budgets/budget-spend.ts';
import { gatherDigestFacts } from './digest-facts.ts';
import { duePeriod, type DigestCadence } from './digest-schedule.ts';

export interface DigestOptions {
  /** Month-to-date spend and budget per instance name (default: the workspace's budgets, bot/budgets). */
  budgets?(em: EntityManager, workspaceId: string, at: Date): Promise<DigestBudgets | undefined>;
}

/** The instances of the workspace that have a monthly budget, by name, as the digest shows them. */
async function workspaceBudgets(em: EntityManager, workspaceId: string, at: Date): Promise<DigestBudgets> {
  const standings = await workspaceBudgetStandings(em, workspaceId, at);
  return new Map(standings.map((s) => [s.name, { monthToDateUsd: s.monthToDateUsd, budgetUsd: s.monthlyUsd }]));
}

export interface DigestReport {
  queued: number;
  /** Quiet periods of channels that asked for `--skip-quiet`: recorded, nothing sent. */
  skipped: number;
}

export async function queueDueDigests(em: EntityManager, now: Date, options: DigestOptions = {}): Promise<DigestReport> {
  const report: DigestReport = { queued: 0, skipped: 0 };
  const channels = await em.execute<
    { id: string; workspace_id: string; workspace_name: string; digest_cadence: string; digest_weekday: number | null; digest_minute: number; digest_skip_quiet: boolean; digest_since: Date }[]
  >(
    `select s.id, s.workspace_id, w.name as workspace_name, s.digest_cadence, s.digest_weekday, s.digest_minute, s.digest_skip_quiet, s.digest_since
       from subscription s join workspace w on w.id = s.workspace_id
      where s.digest_cadence is not null and s.disabled_at is null`,
  );
  const zones = new Map<string, string>();
  // Channels of one workspace with the same period share one gathering.
  const gathered = new Map<string, ReturnType<typeof digestMessage> & { quiet: boolean }>();
  for (const channel of channels) {
    const schedule = digestOf({ digestCadence: channel.digest_cadence, digestMinute: channel.digest_minute, digestWeekday: channel.digest_weekday, digestSkipQuiet: channel.digest_skip_quiet });
    if (!schedule) continue;
    if (!zones.has(channel.workspace_id)) zones.set(channel.workspace_id, await workspaceTimeZone(em, channel.workspace_id));
    const timeZone = zones.get(channel.workspace_id)!;
    const due = duePeriod(schedule, timeZone, now, new Date(channel.digest_since));
    if (!due) continue;
    const [done] = await em.execute(`select 1 from digest_period where subscription_id = ? and period = ?`, [channel.id, due.key]);
    if (done) continue;
    const key = `${channel.workspace_id}/${schedule.cadence}/${due.key}`;
    if (!gathered.has(key)) {
      const facts = await gatherDigestFacts(em, {
        workspaceId: channel.workspace_id,
        workspaceName: channel.workspace_name,
        timeZone,
        cadence: schedule.cadence as DigestCadence,
        from: due.from,
        to: due.to,
        now,
        // Month-to-date as of the period's end: the digest is about the period it covers.
        budgets: await (options.budgets ?? workspaceBudgets)(em, channel.workspace_id, new Date(due.to.getTime() - 1)),
      });
      gathered.set(key, { ...digestMessage(facts), quiet: isQuietDigest(facts) });
    }
    const { quiet, ...message } = gathered.get(key)!;
    if (quiet && schedule.skipQuiet) {
      await em.execute(`insert into digest_period (subscription_id, period, queued_at, skipped) values (?, ?, ?, true) on conflict do nothing`, [channel.id, due.key, now]);
      report.skipped += 1;
      continue;
    }
    const result = await em.execute<{ affectedRows: number }>(
      `with claimed as (
         insert into digest_period (subscription_id, period, queued_at, skipped) values (?, ?, ?, false)
         on conflict do nothing returning subscription_id
       )
       insert into notification (id, subscription_id, action, state, attempts, next_attempt_at, created_at, message)
       select gen_random_uuid(), claimed.subscription_id, 'notice', 'pending', 0, ?, ?, ?::jsonb from claimed`,
      [channel.id, due.key, now, now, now, JSON.stringify(message)],
      'run',
    );
    report.queued += result.affectedRows;
  }
  return report;
}

/** Every minute, on one leader (the period key keeps it once even if two got there). */
export function digestJob(orm: Orm, options: DigestOptions = {}): ScheduledJob {
  return {
    name: 'queue-digests',
    schedule: '* * * * *',
    runsOn: 'one-worker',
    async run(now) {
      await queueDueDigests(orm.em.fork(), now, options);
    },
  };
}
