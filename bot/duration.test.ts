import { describe, expect, it } from 'vitest';
import { DurationError, toDurationText, toSeconds } from './duration.ts';

describe('durations', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['2d', 172_800],
    [' 15M ', 900],
    ['1d2h3m4s', 93_784],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(toSeconds(text)).toBe(seconds);
  });

  it.each(['', '5', 'm', '5x', '-5m', '0s', '5m1h', '1.5h', 'five minutes'])('refuses "%s" with an example of what works', (text) => {
    expect(() => toSeconds(text)).toThrow(DurationError);
    expect(() => toSeconds(text)).toThrow(/like 30s, 5m, 1h30m or 2d/);
  });

  it.each([
    [0, '0s'],
    [45, '45s'],
    [300, '5m'],
    [5400, '1h30m'],
    [90_061, '1d1h1m1s'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(toDurationText(seconds)).toBe(text);
  });
});
