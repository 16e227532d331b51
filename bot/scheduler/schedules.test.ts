import { describe, expect, it } from 'vitest';
import { everySeconds } from './schedules.ts';

describe('tick schedules', () => {
  it.each([
    [5, '*/5 * * * * *'],
    [30, '*/30 * * * * *'],
    [60, '*/1 * * * *'],
    [300, '*/5 * * * *'],
  ])('runs every %i s as "%s"', (seconds, expression) => {
    expect(everySeconds(seconds)).toBe(expression);
  });

  it('refuses a tick that does not divide a minute or an hour', () => {
    expect(() => everySeconds(7)).toThrow('a tick of 7s does not divide a minute or an hour evenly');
  });
});
