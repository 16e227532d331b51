/**
 * How long to wait before trying again after a 429, a 5xx or a network error: exponential from
 * 2 s with "equal jitter" (half fixed, half random), so a fleet of agents that failed together
 * does not retry together. A server's `Retry-After` is a floor, with a little jitter on top for
 * the same reason.
 */
export const BACKOFF_BASE_MS = 2000;

export function retryDelayMs(options: { attempt: number; retryAfterMs?: number; capMs: number; random: () => number }): number {
  const { attempt, retryAfterMs, capMs, random } = options;
  if (retryAfterMs !== undefined) return Math.round(retryAfterMs + random() * Math.min(retryAfterMs * 0.2, 30_000));
  const ceiling = Math.min(capMs, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. Capped at a day. */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else {
    const date = Date.parse(value);
    if (!Number.isNaN(date)) ms = Math.max(0, date - nowMs);
  }
  return ms === undefined ? undefined : Math.min(ms, 86_400_000);
}
