import { describe, expect, it } from 'vitest';
import { budgetPercent, budgetProgress, forecastMonth, monthLabel, type MonthSpend } from '../../budgets/forecast.ts';
import { monthAround } from '../../workspaces/time-zone.ts';
import type { Decision, OpenEvent } from '../decision.ts';
import { decideBudget } from './budget.ts';

const DAY = 86_400_000;
const none = new Map<string, OpenEvent>();
const budget200 = { monthlyUsd: 200 };

/** What an instance spent, as budget-spend.ts reads it, at `now` in `timeZone`. */
function spendAt(now: Date, figures: { monthToDateUsd: number; trailingUsd: number; historySince?: Date }, timeZone = 'UTC'): MonthSpend {
  return { timeZone, month: monthAround(now, timeZone), monthLabel: monthLabel(now, timeZone), historySince: new Date('2026-10-01T00:00:00Z'), ...figures };
}

/** The events a list of decisions leaves open, as the event store would (opened, kept, resolved). */
function apply(open: Map<string, OpenEvent>, decisions: Decision[], now: Date): Map<string, OpenEvent> {
  const next = new Map(open);
  for (const d of decisions) {
    if (d.action === 'open') next.set(d.key, { key: d.key, openedAt: now, details: d.details });
    else if (d.action === 'resolve') next.delete(d.key);
    else if (d.details) next.set(d.key, { ...next.get(d.key)!, details: d.details });
  }
  return next;
}

describe('budget rule', () => {
  it('says when a steady overspend will pass the budget, at what rate', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    // $9.40 a day all along: $89.30 by midday on the 10th, $291.40 by the end of December.
    const [decision] = decideBudget(spendAt(now, { monthToDateUsd: 89.3, trailingUsd: 65.8 }), none, now, budget200);
    expect(decision).toMatchObject({
      action: 'open',
      key: 'forecast',
      summary: 'will pass its $200 monthly budget around Dec 22 at the current rate ($9.40/day over the last 7 days)',
      details: { month: '2026-12', budgetUsd: 200, monthToDateUsd: 89.3, forecastUsd: 291.4, dailyRateUsd: 9.4, rateDays: 7, crossesOn: 'Dec 22' },
    });
  });

  it('alerts once for a steady overspend all month: one forecast, then one "passed"', () => {
    const opened: string[] = [];
    let open = new Map<string, OpenEvent>();
    // Hourly through December at $9.40 a day, for an instance with months of history.
    for (let at = Date.parse('2026-12-01T00:00:00Z'); at < Date.parse('2026-12-31T23:00:00Z'); at += 3_600_000) {
      const now = new Date(at);
      const monthToDateUsd = (9.4 * (at - Date.parse('2026-12-01T00:00:00Z'))) / DAY;
      const decisions = decideBudget(spendAt(now, { monthToDateUsd, trailingUsd: 65.8 }), open, now, budget200);
      for (const d of decisions) if (d.action !== 'keep') opened.push(`${d.action} ${d.key} ${now.toISOString().slice(0, 13)}`);
      open = apply(open, decisions, now);
    }
    // The forecast waits for two days of December; the budget is passed on the 22nd, 7:00 UTC.
    expect(opened).toEqual(['open forecast 2026-12-03T00', 'open passed 2026-12-22T07']);
    expect([...open.keys()]).toEqual(['forecast', 'passed']);
  });

  it('does not forecast early in the month, nor for an instance with little history', () => {
    const secondDay = new Date('2026-12-02T12:00:00Z');
    // A full week at $30 a day forecasts far beyond $200, but it is only the 2nd.
    expect(decideBudget(spendAt(secondDay, { monthToDateUsd: 45, trailingUsd: 210 }), none, secondDay, budget200)).toEqual([]);
    const midMonth = new Date('2026-12-15T12:00:00Z');
    // Two days of history: a rate, but not yet a habit.
    const newcomer = spendAt(midMonth, { monthToDateUsd: 60, trailingUsd: 60, historySince: new Date('2026-12-13T12:00:00Z') });
    expect(decideBudget(newcomer, none, midMonth, budget200)).toEqual([]);
    // Four days of it are enough, averaged over those four days.
    const fourDays = spendAt(midMonth, { monthToDateUsd: 120, trailingUsd: 120, historySince: new Date('2026-12-11T13:00:00Z') });
    expect(decideBudget(fourDays, none, midMonth, budget200)).toEqual([
      expect.objectContaining({ action: 'open', summary: 'will pass its $200 monthly budget around Dec 18 at the current rate ($30.00/day over the last 4 days)' }),
    ]);
  });

  it('says nothing without a budget, or while the forecast stays under it', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    expect(decideBudget(spendAt(now, { monthToDateUsd: 89.3, trailingUsd: 65.8 }), none, now, {})).toEqual([]);
    // $5 a day: $155 by the end of the month.
    expect(decideBudget(spendAt(now, { monthToDateUsd: 47.5, trailingUsd: 35 }), none, now, budget200)).toEqual([]);
  });

  it('keeps the forecast open until it falls under 95% of the budget, so it does not flap', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    const open = new Map([['forecast', { key: 'forecast', openedAt: new Date('2026-12-05T00:00:00Z'), details: { month: '2026-12', budgetUsd: 200 } }]]);
    // 21.5 days left: at $5/day from $90 that is $197.50, under the budget but within 5% of it.
    const [wobble] = decideBudget(spendAt(now, { monthToDateUsd: 90, trailingUsd: 35 }), open, now, budget200);
    expect(wobble).toMatchObject({ action: 'keep', key: 'forecast', details: { forecastUsd: 197.5, crossesOn: null } });
    // At $4/day: $176, well under.
    const [back] = decideBudget(spendAt(now, { monthToDateUsd: 90, trailingUsd: 28 }), open, now, budget200);
    expect(back).toMatchObject({ action: 'resolve', key: 'forecast', summary: 'forecast back under budget: $176.00 of $200 by the end of the month ($4.00/day over the last 7 days)' });
  });

  it('resolves when the budget is raised above the forecast, or above what was spent', () => {
    const now = new Date('2026-12-24T12:00:00Z');
    const details = { month: '2026-12', budgetUsd: 200 };
    const open = new Map([
      ['forecast', { key: 'forecast', openedAt: new Date('2026-12-05T00:00:00Z'), details }],
      ['passed', { key: 'passed', openedAt: new Date('2026-12-22T07:00:00Z'), details }],
    ]);
    const spend = spendAt(now, { monthToDateUsd: 220.9, trailingUsd: 65.8 }); // $291.40 by the end of the month
    // Raised, but not above the forecast: the warning still holds; what was spent is under the new budget.
    expect(decideBudget(spend, open, now, { monthlyUsd: 250 })).toEqual([
      expect.objectContaining({ action: 'keep', key: 'forecast', details: expect.objectContaining({ budgetUsd: 250 }) }),
      expect.objectContaining({ action: 'resolve', key: 'passed', summary: 'the budget was raised to $250: $220.90 spent so far in December' }),
    ]);
    expect(decideBudget(spend, open, now, { monthlyUsd: 300 })).toEqual([
      expect.objectContaining({ action: 'resolve', key: 'forecast', summary: 'the budget was raised to $300, above the forecast of $291.40 for the month' }),
      expect.objectContaining({ action: 'resolve', key: 'passed' }),
    ]);
    // Lowered: still passed, with the new figures.
    expect(decideBudget(spend, open, now, { monthlyUsd: 150 })[1]).toMatchObject({ action: 'keep', key: 'passed', details: { budgetUsd: 150, monthToDateUsd: 220.9 } });
  });

  it('resolves both when the budget is turned off', () => {
    const now = new Date('2026-12-24T12:00:00Z');
    const details = { month: '2026-12', budgetUsd: 200 };
    const open = new Map([
      ['forecast', { key: 'forecast', openedAt: now, details }],
      ['passed', { key: 'passed', openedAt: now, details }],
    ]);
    expect(decideBudget(spendAt(now, { monthToDateUsd: 220.9, trailingUsd: 65.8 }), open, now, {}).map((d) => `${d.action} ${d.key}: ${'summary' in d ? d.summary : ''}`)).toEqual([
      'resolve forecast: the monthly budget was turned off',
      'resolve passed: the monthly budget was turned off',
    ]);
  });

  it('resolves at the month rollover in the workspace’s time zone, not UTC’s', () => {
    // 23:30 UTC on 31 December is already January in Berlin.
    const now = new Date('2026-12-31T23:30:00Z');
    const details = { month: '2026-12', budgetUsd: 200 };
    const open = new Map([
      ['forecast', { key: 'forecast', openedAt: new Date('2026-12-05T00:00:00Z'), details }],
      ['passed', { key: 'passed', openedAt: new Date('2026-12-22T07:00:00Z'), details }],
    ]);
    const inUtc = decideBudget(spendAt(now, { monthToDateUsd: 291, trailingUsd: 65.8 }), open, now, budget200);
    expect(inUtc.map((d) => `${d.action} ${d.key}`)).toEqual(['keep forecast', 'keep passed']);
    // In Berlin month-to-date is the half hour of January so far.
    const inBerlin = decideBudget(spendAt(now, { monthToDateUsd: 0.2, trailingUsd: 65.8 }, 'Europe/Berlin'), open, now, budget200);
    expect(inBerlin).toEqual([
      expect.objectContaining({ action: 'resolve', key: 'forecast', summary: 'a new month began; spend counts from zero again' }),
      expect.objectContaining({ action: 'resolve', key: 'passed', summary: 'a new month began; spend counts from zero again' }),
    ]);
  });

  it('judges a silent instance’s open events on its month and their stored figures, without its spend', () => {
    const now = new Date('2026-12-24T12:00:00Z');
    const month = { timeZone: 'UTC', month: monthAround(now, 'UTC'), monthLabel: '2026-12' };
    const open = new Map([
      ['forecast', { key: 'forecast', openedAt: now, details: { month: '2026-12', budgetUsd: 200, forecastUsd: 291.4 } }],
      ['passed', { key: 'passed', openedAt: now, details: { month: '2026-12', budgetUsd: 200, monthToDateUsd: 220.9 } }],
    ]);
    expect(decideBudget(month, open, now, budget200)).toEqual([
      { action: 'keep', key: 'forecast' },
      { action: 'keep', key: 'passed' },
    ]);
    expect(decideBudget(month, open, now, { monthlyUsd: 300 }).map((d) => `${d.action} ${d.key}: ${'summary' in d ? d.summary : ''}`)).toEqual([
      'resolve forecast: the budget was raised to $300, above the forecast of $291.40 for the month',
      'resolve passed: the budget was raised to $300: $220.90 spent so far in December',
    ]);
    const january = new Date('2027-01-01T00:00:05Z');
    expect(decideBudget({ timeZone: 'UTC', month: monthAround(january, 'UTC'), monthLabel: '2027-01' }, open, january, budget200).map((d) => d.action)).toEqual(['resolve', 'resolve']);
  });

  it('names the crossing day as the workspace’s calendar does', () => {
    // $20/day from $150 at 19:00 UTC on the 10th crosses $200 at 07:00 UTC on the 13th: the 13th in
    // UTC, still the 12th in Los Angeles (where the month, and so month-to-date, is the same).
    const now = new Date('2026-12-10T19:00:00Z');
    const [utc] = decideBudget(spendAt(now, { monthToDateUsd: 150, trailingUsd: 140 }), none, now, budget200);
    const [la] = decideBudget(spendAt(now, { monthToDateUsd: 150, trailingUsd: 140 }, 'America/Los_Angeles'), none, now, budget200);
    expect(utc).toMatchObject({ summary: expect.stringContaining('around Dec 13') });
    expect(la).toMatchObject({ summary: expect.stringContaining('around Dec 12') });
  });
});

describe('budget arithmetic', () => {
  it('forecasts month-to-date plus the daily rate for the rest of the month', () => {
    const now = new Date('2026-12-10T12:00:00Z');
    const forecast = forecastMonth(spendAt(now, { monthToDateUsd: 89.3, trailingUsd: 65.8 }), now);
    expect(forecast).toMatchObject({ rateDays: 7, enoughData: true });
    expect(forecast.dailyRateUsd).toBeCloseTo(9.4, 9);
    expect(forecast.forecastUsd).toBeCloseTo(89.3 + 9.4 * 21.5, 9);
  });

  it('shows month-to-date against the budget, reading 100% only once it is reached', () => {
    expect(budgetProgress(123.4, 200)).toBe('$123.40 of $200 this month (62%)');
    expect(budgetProgress(0, 49.5)).toBe('$0.00 of $49.50 this month (0%)');
    expect(budgetPercent(199.9, 200)).toBe(99);
    expect(budgetPercent(200, 200)).toBe(100);
    expect(budgetPercent(310, 200)).toBe(155);
  });
});
