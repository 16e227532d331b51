/**
 * A cron job's schedule in words ("daily at 03:00 UTC", "every 15 min"), for people who do not
 * read cron lines. Only the common shapes are put into words; anything else is shown as written.
 */
import { humanDuration } from '../human-format.ts';

export interface Schedule {
  kind: 'cron' | 'every' | 'at' | 'other';
  expr?: string;
  tz?: string;
  everyMs?: number;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function scheduleInWords(schedule: Schedule): string {
  const tz = schedule.tz ? ` ${schedule.tz}` : '';
  if (schedule.kind === 'every' && schedule.everyMs) return `every ${humanDuration(schedule.everyMs)}`;
  if (schedule.kind === 'at') return schedule.expr ? `once, at ${schedule.expr}` : 'once';
  if (schedule.kind !== 'cron' || !schedule.expr) return schedule.expr ?? 'custom schedule';
  const fields = schedule.expr.trim().split(/\s+/);
  if (fields.length !== 5) return `cron ${schedule.expr}`;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const isNumber = (v: string) => /^\d{1,2}$/.test(v);
  const at = () => `${hour.padStart(2, '0')}:${minute.padStart(2, '0')}${tz}`;
  if (minute.startsWith('*/') && hour === '*' && dayOfMonth === '*' && month === '*' && dayOfWeek === '*') return `every ${minute.slice(2)} min`;
  if (isNumber(minute) && hour === '*' && dayOfMonth === '*' && month === '*' && dayOfWeek === '*') return `hourly at :${minute.padStart(2, '0')}`;
  if (isNumber(minute) && isNumber(hour) && month === '*') {
    if (dayOfMonth === '*' && dayOfWeek === '*') return `daily at ${at()}`;
    if (dayOfMonth === '*' && dayOfWeek === '1-5') return `weekdays at ${at()}`;
    if (dayOfMonth === '*' && /^[0-7]$/.test(dayOfWeek)) return `${DAYS[Number(dayOfWeek) % 7]}s at ${at()}`;
    if (isNumber(dayOfMonth) && dayOfWeek === '*') return `monthly on day ${dayOfMonth} at ${at()}`;
  }
  return `cron ${schedule.expr}${tz}`;
}
