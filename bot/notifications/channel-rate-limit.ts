/**
 * The per-channel rate limit of delivery, held in the database (`channel_send_window`) so that it
 * holds across every worker that delivers: platforms throttle bursts to one channel (Slack: about
 * one message a second), so past the limit a message waits for the next window instead of being
 * refused. A slot is taken with one conditional upsert, atomic under concurrent workers.
 */
import type { Pool } from 'pg';

export const RATE_WINDOW_MS = 1000;

export type SlotAnswer = { taken: true } | { taken: false; retryAt: Date };

/**
 * Takes one of `perWindow` slots of the channel's current one-second window, opening a new window
 * when the last one is over. Windows follow the workers' clocks (the `now` they deliver at); a
 * clock a little behind counts into the window another worker opened, which is what we want.
 */
export async function takeChannelSlot(pool: Pool, channel: { platform: string; channelId: string }, now: Date, perWindow: number): Promise<SlotAnswer> {
  const { rows } = await pool.query<{ sent: number }>(
    `insert into channel_send_window as w (platform, channel_id, window_started_at, sent) values ($1, $2, $3, 1)
     on conflict (platform, channel_id) do update
       set window_started_at = case when w.window_started_at <= $3 - make_interval(secs => $5) then $3 else w.window_started_at end,
           sent = case when w.window_started_at <= $3 - make_interval(secs => $5) then 1 else w.sent + 1 end
       where w.window_started_at <= $3 - make_interval(secs => $5) or w.sent < $4
     returning w.sent`,
    [channel.platform, channel.channelId, now, perWindow, RATE_WINDOW_MS / 1000],
  );
  if (rows.length > 0) return { taken: true };
  const { rows: windows } = await pool.query<{ window_started_at: string | Date }>(`select window_started_at from channel_send_window where platform = $1 and channel_id = $2`, [
    channel.platform,
    channel.channelId,
  ]);
  const started = new Date(windows[0]?.window_started_at ?? now);
  return { taken: false, retryAt: new Date(started.getTime() + RATE_WINDOW_MS) };
}
