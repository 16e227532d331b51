import { describe, expect, it } from 'vitest';
import { dollars, humanDuration } from './human-format.ts';

describe('human durations and amounts', () => {
  it.each([
    [45_000, '45 s'],
    [17 * 60_000, '17 min'],
    [3 * 3_600_000 + 20 * 60_000, '3 h 20 min'],
    [2 * 86_400_000 + 4 * 3_600_000, '2 d 4 h'],
  ])('%i ms reads as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('writes dollars with cents', () => {
    expect(dollars(41.2)).toBe('$41.20');
  });
});
