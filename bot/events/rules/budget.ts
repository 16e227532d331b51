/**
 * budget: an instance with a monthly budget (`threshold set budget.monthly 200`) is warned once
 * its forecast for the month passes the budget (key `forecast`), and told when month-to-date
 * spend does (key `passed`). Months are the workspace's (its time zone).
 *
 * - forecast opens when there is enough data (forecast.ts: 3 days of usage, 2 days into the
 *   month), month-to-date is still under the budget, and month-to-date plus the daily rate for
 *   the rest of the month exceeds it. It resolves only once the forecast falls under 95% of the
 *   budget, so a rate wobbling around the line does not flap; or at once when the budget is
 *   raised above the forecast (someone decided), turned off, or the month turns.
 * - passed opens when month-to-date reaches the budget. Month-to-date only grows within a month,
 *   so it needs no hysteresis: it resolves when the budget is raised above it, turned off, or the
 *   month turns. The forecast event stays open beside it until then: it came true.
 *
 * An instance whose usage did not change since it was last judged (a silent one with an open
 * budget event, judged every tick for its month) gets only its month, not its spend: the month
 * turning and a raised budget are then judged against the figures its events stored, and a
 * month of usage is not read again to learn nothing new.
 */
import type { Decision, OpenEvent, OpenEvents } from '../decision.ts';
import { dollars } from '../../human-format.ts';
import {
  budgetCrossingAt,
  budgetDollars,
  dayInZone,
  forecastMonth,
  hasSpend,
  monthNameInZone,
  type BudgetMonth,
  type MonthForecast,
  type MonthSpend,
} from '../../budgets/forecast.ts';

export interface BudgetThresholds {
  /** The monthly budget in dollars; none when unset or off. */
  monthlyUsd?: number;
}

/** The forecast event resolves once the forecast is under this share of the budget. */
export const FORECAST_RESOLVE_SHARE = 0.95;

export function decideBudget(facts: BudgetMonth | MonthSpend, open: OpenEvents, now: Date, thresholds: BudgetThresholds): Decision[] {
  const decisions: Decision[] = [];
  const forecastDecision = decideForecast(facts, open.get('forecast'), now, thresholds.monthlyUsd);
  if (forecastDecision) decisions.push(forecastDecision);
  const passedDecision = decidePassed(facts, open.get('passed'), now, thresholds.monthlyUsd);
  if (passedDecision) decisions.push(passedDecision);
  return decisions;
}

/** Why an open budget event is over whatever the figures say, if it is. */
function overRegardless(month: BudgetMonth, current: OpenEvent, budgetUsd: number | undefined): string | undefined {
  if (current.details.month !== month.monthLabel) return `a new month began; spend counts from zero again`;
  if (budgetUsd === undefined) return 'the monthly budget was turned off';
  return undefined;
}

/** A figure an open event stored, if it did. */
function stored(current: OpenEvent, name: string): number | undefined {
  const value = current.details[name];
  return typeof value === 'number' ? value : undefined;
}

function decideForecast(facts: BudgetMonth | MonthSpend, current: OpenEvent | undefined, now: Date, budgetUsd: number | undefined): Decision | undefined {
  const key = 'forecast';
  if (current) {
    const over = overRegardless(facts, current, budgetUsd);
    if (over) return { action: 'resolve', key, summary: over, details: current.details };
  }
  if (budgetUsd === undefined) return undefined;
  const raisedAbove = (forecastUsd: number) => {
    const previousBudget = current ? (stored(current, 'budgetUsd') ?? budgetUsd) : budgetUsd;
    return budgetUsd > previousBudget && forecastUsd <= budgetUsd;
  };
  const raisedSummary = (forecastUsd: number) => `the budget was raised to ${budgetDollars(budgetUsd)}, above the forecast of ${dollars(forecastUsd)} for the month`;
  if (!hasSpend(facts)) {
    const forecastUsd = current && stored(current, 'forecastUsd');
    if (current && forecastUsd !== undefined && raisedAbove(forecastUsd)) return { action: 'resolve', key, summary: raisedSummary(forecastUsd), details: { ...current.details, budgetUsd } };
    return current ? { action: 'keep', key } : undefined;
  }
  const forecast = forecastMonth(facts, now);
  if (!forecast.enoughData) return current ? { action: 'keep', key } : undefined;
  const details = forecastDetails(facts, forecast, budgetUsd, now);
  if (!current) {
    if (facts.monthToDateUsd >= budgetUsd || forecast.forecastUsd <= budgetUsd) return undefined;
    const crossing = budgetCrossingAt(facts.monthToDateUsd, forecast.dailyRateUsd, budgetUsd, now)!;
    return {
      action: 'open',
      key,
      summary: `will pass its ${budgetDollars(budgetUsd)} monthly budget around ${dayInZone(crossing, facts.timeZone)} at the current rate (${rateText(forecast)})`,
      details,
    };
  }
  if (raisedAbove(forecast.forecastUsd)) return { action: 'resolve', key, summary: raisedSummary(forecast.forecastUsd), details };
  if (forecast.forecastUsd < budgetUsd * FORECAST_RESOLVE_SHARE) {
    return { action: 'resolve', key, summary: `forecast back under budget: ${dollars(forecast.forecastUsd)} of ${budgetDollars(budgetUsd)} by the end of the month (${rateText(forecast)})`, details };
  }
  return { action: 'keep', key, details };
}

function decidePassed(facts: BudgetMonth | MonthSpend, current: OpenEvent | undefined, now: Date, budgetUsd: number | undefined): Decision | undefined {
  const key = 'passed';
  if (current) {
    const over = overRegardless(facts, current, budgetUsd);
    if (over) return { action: 'resolve', key, summary: over, details: current.details };
  }
  if (budgetUsd === undefined) return undefined;
  const monthToDateUsd = hasSpend(facts) ? facts.monthToDateUsd : current && stored(current, 'monthToDateUsd');
  if (monthToDateUsd === undefined) return current ? { action: 'keep', key } : undefined;
  const details = { month: facts.monthLabel, budgetUsd, monthToDateUsd: round(monthToDateUsd) };
  const spent = () => `${dollars(monthToDateUsd)} spent so far in ${monthNameInZone(now, facts.timeZone)}`;
  if (!current) {
    return monthToDateUsd >= budgetUsd ? { action: 'open', key, summary: `passed its ${budgetDollars(budgetUsd)} monthly budget: ${spent()}`, details } : undefined;
  }
  if (monthToDateUsd < budgetUsd) return { action: 'resolve', key, summary: `the budget was raised to ${budgetDollars(budgetUsd)}: ${spent()}`, details };
  // Without fresh spend, the stored figures stay as they are.
  return hasSpend(facts) ? { action: 'keep', key, details } : { action: 'keep', key };
}

/** "$9.40/day over the last 7 days" (fewer days for a newer instance). */
function rateText(forecast: MonthForecast): string {
  const days = Math.round(forecast.rateDays);
  return `${dollars(forecast.dailyRateUsd)}/day over the last ${days} day${days === 1 ? '' : 's'}`;
}

/** Rounded to cents as people read them, so an open event's stored figures change only when they would show it. */
function forecastDetails(spend: MonthSpend, forecast: MonthForecast, budgetUsd: number, now: Date): Record<string, unknown> {
  const crossing = budgetCrossingAt(spend.monthToDateUsd, forecast.dailyRateUsd, budgetUsd, now);
  return {
    month: spend.monthLabel,
    budgetUsd,
    monthToDateUsd: round(spend.monthToDateUsd),
    forecastUsd: round(forecast.forecastUsd),
    dailyRateUsd: round(forecast.dailyRateUsd),
    rateDays: Math.round(forecast.rateDays),
    // The day it crosses, as the workspace's calendar shows it; none if it never does at this rate.
    crossesOn: crossing && crossing < spend.month.end ? dayInZone(crossing, spend.timeZone) : null,
  };
}

function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}
