/**
 * A channel that delivery can no longer reach (bot removed, channel archived, token revoked) is
 * disabled — and that must never happen silently: the subscription keeps the reason and since
 * when, and every other channel of the workspace (the console among them) is told, in the same
 * statement, that this one stopped receiving alerts and how to bring it back.
 */
import type { Pool } from 'pg';
import type { AlertMessage } from '../messages/alert-message.ts';
import { receivingSubscriptionsSql } from '../subscriptions/receiving-subscriptions.ts';
import { utcMinute } from '../human-format.ts';

export interface StoppedChannel {
  workspaceId: string;
  platform: string;
  channelId: string;
  reason: string;
  since: Date;
  /** How many other channels were told. */
  noticesQueued: number;
}

/** The notice, pure: what stopped, why, since when, and the two ways to turn it back on. */
export function channelStoppedMessage(stopped: { platform: string; channelId: string; reason: string; since: Date }): AlertMessage {
  const address = `${stopped.platform}:${stopped.channelId}`;
  return {
    title: `⚠️ ${address} stopped receiving alerts`,
    severity: 'warning',
    summary:
      `Delivering to it failed for good (${stopped.reason}), so its alerts are no longer sent. ` +
      `Fix the channel (invite the bot back, unarchive it, renew the token), then run /deepclaw subscribe there or \`deepclaw subscription enable ${address}\`.`,
    fields: [
      { label: 'Channel', value: address },
      { label: 'Reason', value: stopped.reason },
      { label: 'Since', value: utcMinute(stopped.since) },
    ],
    actions: [],
  };
}

/**
 * Disables the subscription unless it already is (then returns undefined: another worker or an
 * earlier row got there first, and has told the others), and queues the notice.
 */
export async function stopChannel(pool: Pool, input: { subscriptionId: string; reason: string; at: Date }): Promise<StoppedChannel | undefined> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ workspace_id: string; platform: string; channel_id: string }>(
      `update subscription set disabled_at = $2, last_error = $3 where id = $1 and disabled_at is null returning workspace_id, platform, channel_id`,
      [input.subscriptionId, input.at, input.reason],
    );
    const row = rows[0];
    if (!row) {
      await client.query('commit');
      return undefined;
    }
    const message = channelStoppedMessage({ platform: row.platform, channelId: row.channel_id, reason: input.reason, since: input.at });
    const queued = await client.query(
      `insert into notification (id, subscription_id, action, state, attempts, next_attempt_at, created_at, message)
       select gen_random_uuid(), r.subscription_id, 'notice', 'pending', 0, p.at, p.at, $3::jsonb
         from (select $1::uuid as workspace_id, $2::timestamptz as at) as p
         cross join lateral (${receivingSubscriptionsSql({ workspaceId: 'p.workspace_id', instanceId: 'null::uuid', kind: 'null', at: 'p.at' })}) r`,
      [row.workspace_id, input.at, JSON.stringify(message)],
    );
    await client.query('commit');
    return { workspaceId: row.workspace_id, platform: row.platform, channelId: row.channel_id, reason: input.reason, since: input.at, noticesQueued: queued.rowCount ?? 0 };
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
