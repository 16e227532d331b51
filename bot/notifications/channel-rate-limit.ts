/**
 * The per-channel rate limit of delivery, held in the database (`channel_send_window`) so that it
 * holds across every worker that delivers: platforms throttle bursts to one channel (Slack: about
 * one message a second; Telegram: about one a second, and 20 a minute in a group), so past the
 * limit a message waits for the next window instead of being refused. A slot is taken with one
 * conditional upsert per window length, atomic under concurrent workers.
 */
import type { Pool } from 'pg';
import type { SendLimit } from '../chat/chat-adapter.ts';

export const RATE_WINDOW_MS = 1000;

export type SlotAnswer = { taken: true } | { taken: false; retryAt: Date };

/**
 * Takes one slot of each limit's current window for the channel (a number: that many per
 * second), opening a new window when the last one is over. Windows follow the workers' clocks (the
 * `now` they deliver at); a clock a little behind counts into the window another worker opened,
 * which is what we want. When one window is full, the slots already taken in the others are given
 * back, so a refused message costs nothing.
 */
export async function takeChannelSlot(pool: Pool, channel: { platform: string; channelId: string }, now: Date, perWindow: number | readonly SendLimit[]): Promise<SlotAnswer> {
  const limits = typeof perWindow === 'number' ? [{ messages: perWindow, perSeconds: RATE_WINDOW_MS / 1000 }] : perWindow;
  const taken: { perSeconds: number; startedAt: Date }[] = [];
  for (const limit of limits) {
    const answer = await takeWindowSlot(pool, channel, now, limit);
    if ('startedAt' in answer) {
      taken.push({ perSeconds: limit.perSeconds, startedAt: answer.startedAt });
      continue;
    }
    for (const slot of taken) {
      await pool.query(
        `update channel_send_window set sent = sent - 1 where platform = $1 and channel_id = $2 and window_seconds = $3 and window_started_at = $4 and sent > 0`,
        [channel.platform, channel.channelId, slot.perSeconds, slot.startedAt],
      );
    }
    return answer;
  }
  return { taken: true };
}

async function takeWindowSlot(pool: Pool, channel: { platform: string; channelId: string }, now: Date, limit: SendLimit): Promise<{ startedAt: Date } | { taken: false; retryAt: Date }> {
  const { rows } = await pool.query<{ window_started_at: string | Date }>(
    `insert into channel_send_window as w (platform, channel_id, window_seconds, window_started_at, sent) values ($1, $2, $5, $3, 1)
     on conflict (platform, channel_id, window_seconds) do update
       set window_started_at = case when w.window_started_at <= $3 - make_interval(secs => $5) then $3 else w.window_started_at end,
           sent = case when w.window_started_at <= $3 - make_interval(secs => $5) then 1 else w.sent + 1 end
       where w.window_started_at <= $3 - make_interval(secs => $5) or w.sent < $4
     returning w.window_started_at`,
    [channel.platform, channel.channelId, now, limit.messages, limit.perSeconds],
  );
  if (rows.length > 0) return { startedAt: new Date(rows[0]!.window_started_at) };
  const { rows: windows } = await pool.query<{ window_started_at: string | Date }>(
    `select window_started_at from channel_send_window where platform = $1 and channel_id = $2 and window_seconds = $3`,
    [channel.platform, channel.channelId, limit.perSeconds],
  );
  const started = new Date(windows[0]?.window_started_at ?? now);
  return { taken: false, retryAt: new Date(started.getTime() + limit.perSeconds * 1000) };
}
