/**
 * When a channel's digest is due: `daily 09:00` or `weekly mon 09:00`, on the workspace's wall
 * clock. Pure: a schedule, the zone and `now` in; the period that is due now (if any) out. A
 * period is named by the local date it is due on, and covers the day (or the seven days) before
 * that date's midnight, so a 09:00 digest on Thursday tells Wednesday's story. Only the current
 * period is ever due: a worker that was down all of Wednesday does not send Tuesday's late.
 */
import { localDate, zonedInstant } from '../workspaces/time-zone.ts';

export type DigestCadence = 'daily' | 'weekly';

export interface DigestSchedule {
  cadence: DigestCadence;
  /** Minutes after local midnight: 09:00 is 540. */
  minuteOfDay: number;
  /** 0 = Sunday … 6 = Saturday; weekly digests only. */
  weekday?: number;
  /** Send nothing for a period with nothing to say. */
  skipQuiet: boolean;
}

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface DuePeriod {
  /** The local date it is due on, `2026-12-03`: the key that sends it once. */
  key: string;
  /** When it became due. */
  dueAt: Date;
  /** What it covers: [from, to), local midnights. */
  from: Date;
  to: Date;
}

/**
 * The period due at `now`: today's (or this week's) once its time has passed, unless that time
 * was before `since` (the schedule was set after it). Undefined when nothing is due.
 */
export function duePeriod(schedule: DigestSchedule, timeZone: string, now: Date, since: Date): DuePeriod | undefined {
  const today = localDate(now, timeZone);
  // The latest due date at or before today: today for a daily digest, the last matching weekday for a weekly one.
  const daysBack = schedule.cadence === 'weekly' ? (today.weekday - (schedule.weekday ?? 1) + 7) % 7 : 0;
  const dueDate = addDays(today, -daysBack);
  let dueAt = zonedInstant(timeZone, { ...dueDate, hour: Math.floor(schedule.minuteOfDay / 60), minute: schedule.minuteOfDay % 60 });
  let date = dueDate;
  if (dueAt > now) {
    // Today's time has not come yet: the previous period is the current one.
    date = addDays(dueDate, schedule.cadence === 'weekly' ? -7 : -1);
    dueAt = zonedInstant(timeZone, { ...date, hour: Math.floor(schedule.minuteOfDay / 60), minute: schedule.minuteOfDay % 60 });
  }
  if (dueAt < since) return undefined;
  const to = zonedInstant(timeZone, date);
  const from = zonedInstant(timeZone, addDays(date, schedule.cadence === 'weekly' ? -7 : -1));
  return { key: isoDate(date), dueAt, from, to };
}

/** `daily 09:00`, `weekly mon 09:00`, with `, skipping quiet ones` when set. */
export function describeSchedule(schedule: DigestSchedule): string {
  const time = `${String(Math.floor(schedule.minuteOfDay / 60)).padStart(2, '0')}:${String(schedule.minuteOfDay % 60).padStart(2, '0')}`;
  const when = schedule.cadence === 'weekly' ? `weekly ${WEEKDAY_NAMES[schedule.weekday ?? 1]} ${time}` : `daily ${time}`;
  return schedule.skipQuiet ? `${when}, skipping quiet ones` : when;
}

interface Day {
  year: number;
  month: number;
  day: number;
}

/** Calendar arithmetic on a wall date (no zone: a date plus days is the same anywhere). */
function addDays(date: Day, days: number): Day {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function isoDate(date: Day): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
