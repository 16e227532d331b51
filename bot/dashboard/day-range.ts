/**
 * A range of whole UTC days, as exports and reports take it (`?from=2026-11-01&to=2026-11-30`):
 * both ends inclusive, at most a year, defaulting to the last 30 days.
 */
import { InvalidInputError } from '../errors.ts';

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

export interface DayRange {
  /** Midnight UTC of the first day. */
  from: Date;
  /** Midnight UTC of the last day (inclusive). */
  to: Date;
}

export function toDayRange(input: { from?: string; to?: string }, now: Date): DayRange {
  const today = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  const to = input.to ? parseDay(input.to, 'to') : today;
  const from = input.from ? parseDay(input.from, 'from') : new Date(to.getTime() - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
  if (from > to) throw new InvalidInputError('bad_range', `from (${day(from)}) is after to (${day(to)}).`);
  if (rangeDays({ from, to }) > MAX_RANGE_DAYS) throw new InvalidInputError('bad_range', `a range is at most ${MAX_RANGE_DAYS} days (got ${rangeDays({ from, to })}).`);
  return { from, to };
}

export function rangeDays(range: DayRange): number {
  return Math.round((range.to.getTime() - range.from.getTime()) / DAY_MS) + 1;
}

/** The first instant after the range. */
export function rangeEnd(range: DayRange): Date {
  return new Date(range.to.getTime() + DAY_MS);
}

/** `2026-11-21` */
export function day(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function parseDay(text: string, what: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || Number.isNaN(date.getTime()) || day(date) !== text) {
    throw new InvalidInputError('bad_range', `${what} must be a day like 2026-11-21 (got "${text.slice(0, 30)}").`);
  }
  return date;
}
