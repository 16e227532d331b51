/**
 * The hour-aligned windows of the usage rules, in one place for the code that sums settled hours
 * ahead of time (usage-summary.ts), the code that reads them (usage-facts.ts), and ingest, which
 * reports changes to settled hours (snapshots/ingest-statement.ts).
 *
 * Windows end at the start of the next hour, so the current hour counts. Agents are still
 * completing the current hour, and the first snapshot after the hour turns brings the previous
 * one's final figures; every hour older than that is settled, and a change to it is a late write.
 * A summary for the windows ending at `end` covers the hours before `end - RECENT_HOURS`; a tick
 * reads those recent hours itself. Three, not two: the summary for the next hour is written during
 * this one, and must then cover only hours that are settled already.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** cost-drift's windows: the trailing 24 h and the seven days before. */
export const SPEND_WINDOWS = 8;

/** Hours (the current one and the one before it) in which a write is expected, not late. */
export const SETTLING_HOURS = 2;

/** Hours before a window end that a tick reads from usage_hourly itself. */
export const RECENT_HOURS = SETTLING_HOURS + 1;

export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The end of every usage window evaluated at `now`. */
export function windowsEnd(now: Date): Date {
  return new Date(hourOf(now).getTime() + HOUR_MS);
}

/** The first hour a summary for windows ending at `end` leaves to the tick. */
export function summaryBoundary(end: Date): Date {
  return new Date(end.getTime() - RECENT_HOURS * HOUR_MS);
}

/** The error rule's spans: "the last hour" from `recentStart`, its baseline the 24 h before. */
export function errorWindows(end: Date): { recentStart: Date; baselineStart: Date } {
  const recentStart = new Date(end.getTime() - 2 * HOUR_MS);
  return { recentStart, baselineStart: new Date(recentStart.getTime() - DAY_MS) };
}
