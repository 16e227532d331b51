import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { localDate, monthAround, parseTimeZone, zonedInstant } from './time-zone.ts';

describe('workspace time zones', () => {
  it('takes IANA names in any case and refuses others with the closest names', () => {
    expect(parseTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone('UTC')).toBe('UTC');
    expect(() => parseTimeZone('Europe/Berln')).toThrow(InvalidInputError);
    expect(() => parseTimeZone('Europe/Berln')).toThrow(/"Europe\/Berln" is not a time zone\. Did you mean "Europe\/Berlin"/);
  });

  it('reads the wall clock of a zone, across a daylight-saving change', () => {
    expect(localDate(new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toMatchObject({ year: 2026, month: 3, day: 29, hour: 1, minute: 30, weekday: 0 });
    expect(localDate(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toMatchObject({ hour: 3, minute: 30 });
  });

  it('finds the instant a wall-clock time happens, the skipped hour moved past the jump', () => {
    expect(zonedInstant('Europe/Berlin', { year: 2026, month: 12, day: 1 }).toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(zonedInstant('Europe/Berlin', { year: 2026, month: 7, day: 1, hour: 9 }).toISOString()).toBe('2026-07-01T07:00:00.000Z');
    // 02:30 does not happen in New York on 8 March (or Berlin on 29 March): it is 03:30 then.
    expect(zonedInstant('America/New_York', { year: 2026, month: 3, day: 8, hour: 2, minute: 30 }).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant('Europe/Berlin', { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    // 01:30 happens twice in New York on 1 November: the first, still on daylight time.
    expect(zonedInstant('America/New_York', { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }).toISOString()).toBe('2026-11-01T05:30:00.000Z');
  });

  it('bounds a month in the zone: the last evening of November in Berlin is already December in UTC', () => {
    const lateNovemberInBerlin = new Date('2026-11-30T23:30:00Z');
    expect(monthAround(lateNovemberInBerlin, 'Europe/Berlin')).toEqual({ start: new Date('2026-11-30T23:00:00Z'), end: new Date('2026-12-31T23:00:00Z') });
    expect(monthAround(lateNovemberInBerlin, 'UTC')).toEqual({ start: new Date('2026-11-01T00:00:00Z'), end: new Date('2026-12-01T00:00:00Z') });
    expect(monthAround(new Date('2026-12-15T12:00:00Z'), 'UTC').end).toEqual(new Date('2027-01-01T00:00:00Z'));
  });
});
