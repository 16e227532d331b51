/**
 * The budget arithmetic, pure: where month-to-date spend will be at the end of the month at the
 * current rate, when it crosses a budget, and "$123.40 of $200 this month (62%)". The rate is the
 * average daily spend over the trailing 7 days (fewer for a newer instance), which a single
 * expensive hour moves a little and a changed habit moves within days.
 */
import { dollars } from '../human-format.ts';
import { DAY_MS, windowsEnd } from '../events/usage-windows.ts';
import { localDate } from '../workspaces/time-zone.ts';

/** Days the rate averages over. */
export const RATE_DAYS = 7;

/**
 * Usage history needed before a rate means anything: one busy afternoon is not a habit. Three
 * days is also when cost-drift starts to judge (its `minBaselineDays`).
 */
export const MIN_HISTORY_DAYS = 3;

/**
 * Days into the month before a forecast is made: on the 1st, month-to-date is nearly nothing and
 * the whole forecast would be last month's rate; from the 3rd the month has figures of its own.
 * A budget passed early still alerts at once (that needs no forecast).
 */
export const MIN_MONTH_DAYS = 2;

/** The month a budget counts in: the workspace's, in its time zone. */
export interface BudgetMonth {
  /** The workspace's time zone, where the month starts and ends. */
  timeZone: string;
  month: { start: Date; end: Date };
  /** `2026-12`: the month in that zone; an open budget event remembers it, to resolve when it turns. */
  monthLabel: string;
}

/** One instance's spend as a budget sees it (read by budget-spend.ts). */
export interface MonthSpend extends BudgetMonth {
  monthToDateUsd: number;
  /** Spend over the trailing {@link RATE_DAYS} days up to the end of the current hour. */
  trailingUsd: number;
  /** The instance's first hour of usage; none when it has none. */
  historySince?: Date;
}

/** Whether the spend was read, or only the month (for an instance whose usage did not change). */
export function hasSpend(facts: BudgetMonth | MonthSpend): facts is MonthSpend {
  return 'monthToDateUsd' in facts;
}

export interface MonthForecast {
  dailyRateUsd: number;
  /** Days the rate is averaged over: {@link RATE_DAYS}, or the history's length when shorter. */
  rateDays: number;
  /** Month-to-date plus the rate for the rest of the month. */
  forecastUsd: number;
  /** Whether there is enough data to forecast (MIN_HISTORY_DAYS of usage, MIN_MONTH_DAYS into the month). */
  enoughData: boolean;
}

export function forecastMonth(spend: MonthSpend, now: Date): MonthForecast {
  const end = windowsEnd(now).getTime();
  const historyDays = spend.historySince ? (end - spend.historySince.getTime()) / DAY_MS : 0;
  const rateDays = Math.min(RATE_DAYS, historyDays);
  const dailyRateUsd = rateDays > 0 ? spend.trailingUsd / rateDays : 0;
  const daysLeft = Math.max(0, (spend.month.end.getTime() - now.getTime()) / DAY_MS);
  const intoMonthDays = (now.getTime() - spend.month.start.getTime()) / DAY_MS;
  return {
    dailyRateUsd,
    rateDays,
    forecastUsd: spend.monthToDateUsd + dailyRateUsd * daysLeft,
    enoughData: rateDays >= MIN_HISTORY_DAYS && intoMonthDays >= MIN_MONTH_DAYS,
  };
}

/** When month-to-date spend reaches the budget at this rate; undefined if it never does. */
export function budgetCrossingAt(monthToDateUsd: number, dailyRateUsd: number, budgetUsd: number, now: Date): Date | undefined {
  if (monthToDateUsd >= budgetUsd) return now;
  if (dailyRateUsd <= 0) return undefined;
  return new Date(now.getTime() + ((budgetUsd - monthToDateUsd) / dailyRateUsd) * DAY_MS);
}

/** "$200" for a whole amount (as budgets are usually typed), "$199.50" otherwise. */
export function budgetDollars(amount: number): string {
  return Number.isInteger(amount) ? `$${amount}` : dollars(amount);
}

/**
 * Percent of the budget spent, rounded, except that it reads 100% only once the budget is
 * reached (99.8% of it is "99%": people read 100% as "used up").
 */
export function budgetPercent(monthToDateUsd: number, budgetUsd: number): number {
  const percent = (monthToDateUsd / budgetUsd) * 100;
  return monthToDateUsd < budgetUsd ? Math.min(99, Math.round(percent)) : Math.floor(percent);
}

/** "$123.40 of $200 this month (62%)", for status and cost answers. */
export function budgetProgress(monthToDateUsd: number, budgetUsd: number): string {
  return `${dollars(monthToDateUsd)} of ${budgetDollars(budgetUsd)} this month (${budgetPercent(monthToDateUsd, budgetUsd)}%)`;
}

/** "Dec 18": a day as the workspace's calendar shows it. */
export function dayInZone(at: Date, timeZone: string): string {
  return formatter(timeZone, 'day').format(at);
}

/** "December": the month as the workspace's calendar names it. */
export function monthNameInZone(at: Date, timeZone: string): string {
  return formatter(timeZone, 'month').format(at);
}

/**
 * Formatters kept per zone: making one costs about a tenth of a millisecond, using one a
 * microsecond, and a tick may judge thousands of budgets in a handful of zones.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, shape: 'day' | 'month'): Intl.DateTimeFormat {
  const key = `${shape} ${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', shape === 'day' ? { timeZone, month: 'short', day: 'numeric' } : { timeZone, month: 'long' });
    formatters.set(key, found);
  }
  return found;
}

/** `2026-12`: the month containing `at` in `timeZone`. */
export function monthLabel(at: Date, timeZone: string): string {
  const { year, month } = localDate(at, timeZone);
  return `${year}-${String(month).padStart(2, '0')}`;
}
