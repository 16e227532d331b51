import { describe, expect, it } from 'vitest';
import { rangeDays, toDayRange } from './day-range.ts';

const NOW = new Date('2026-11-21T15:00:00Z');

describe('date ranges of exports and reports', () => {
  it('defaults to the last 30 days, today included', () => {
    const range = toDayRange({}, NOW);
    expect(range).toEqual({ from: new Date('2026-10-23T00:00:00Z'), to: new Date('2026-11-21T00:00:00Z') });
    expect(rangeDays(range)).toBe(30);
  });

  it('refuses impossible days, reversed ranges and more than a year, saying what to send', () => {
    expect(() => toDayRange({ from: '2026-02-30' }, NOW)).toThrow('from must be a day like 2026-11-21 (got "2026-02-30").');
    expect(() => toDayRange({ from: '2026-11-22', to: '2026-11-01' }, NOW)).toThrow('from (2026-11-22) is after to (2026-11-01).');
    expect(() => toDayRange({ from: '2024-01-01', to: '2026-01-01' }, NOW)).toThrow('a range is at most 366 days (got 732).');
  });
});
