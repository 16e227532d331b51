import { describe, expect, it } from 'vitest';
import { describeSchedule, duePeriod } from './digest-schedule.ts';

const LONG_AGO = new Date('2026-01-01T00:00:00Z');

describe('digest periods', () => {
  it("is due from 09:00 on the workspace's clock, covering the day before", () => {
    const daily = { cadence: 'daily' as const, minuteOfDay: 540, skipQuiet: false };
    // 08:30 UTC is 09:30 in Berlin: Thursday's digest (about Wednesday).
    expect(duePeriod(daily, 'Europe/Berlin', new Date('2026-12-03T08:30:00Z'), LONG_AGO)).toEqual({
      key: '2026-12-03',
      dueAt: new Date('2026-12-03T08:00:00Z'),
      from: new Date('2026-12-01T23:00:00Z'),
      to: new Date('2026-12-02T23:00:00Z'),
    });
    // 07:30 UTC is 08:30 in Berlin: still Wednesday's period.
    expect(duePeriod(daily, 'Europe/Berlin', new Date('2026-12-03T07:30:00Z'), LONG_AGO)?.key).toBe('2026-12-02');
  });

  it('is not due for a period whose time came before the schedule was set', () => {
    const daily = { cadence: 'daily' as const, minuteOfDay: 540, skipQuiet: false };
    expect(duePeriod(daily, 'UTC', new Date('2026-12-03T15:00:00Z'), new Date('2026-12-03T14:00:00Z'))).toBeUndefined();
  });

  it('covers the seven days before the weekday, for a weekly digest', () => {
    const weekly = { cadence: 'weekly' as const, weekday: 1, minuteOfDay: 540, skipQuiet: true };
    // Thursday 3 Dec: the current weekly period is Monday 30 Nov's, covering 23–29 Nov.
    expect(duePeriod(weekly, 'UTC', new Date('2026-12-03T12:00:00Z'), LONG_AGO)).toMatchObject({
      key: '2026-11-30',
      from: new Date('2026-11-23T00:00:00Z'),
      to: new Date('2026-11-30T00:00:00Z'),
    });
    expect(describeSchedule(weekly)).toBe('weekly mon 09:00, skipping quiet ones');
  });

  it('keeps a day a local day across a daylight-saving change (23 hours in Berlin on 29 March)', () => {
    const daily = { cadence: 'daily' as const, minuteOfDay: 540, skipQuiet: false };
    const due = duePeriod(daily, 'Europe/Berlin', new Date('2026-03-30T08:00:00Z'), LONG_AGO)!;
    expect(due.to.getTime() - due.from.getTime()).toBe(23 * 3600_000);
  });
});
