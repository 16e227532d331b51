import { describe, expect, it } from 'vitest';
import { scheduleInWords } from './schedule-words.ts';

describe('cron schedules in words', () => {
  it.each([
    [{ kind: 'cron', expr: '0 3 * * *', tz: 'UTC' }, 'daily at 03:00 UTC'],
    [{ kind: 'cron', expr: '30 9 * * 1-5', tz: 'Europe/Berlin' }, 'weekdays at 09:30 Europe/Berlin'],
    [{ kind: 'cron', expr: '0 8 * * 1' }, 'Mondays at 08:00'],
    [{ kind: 'cron', expr: '15 * * * *' }, 'hourly at :15'],
    [{ kind: 'cron', expr: '*/10 * * * *' }, 'every 10 min'],
    [{ kind: 'cron', expr: '0 6 1 * *' }, 'monthly on day 1 at 06:00'],
    [{ kind: 'cron', expr: '0 6 1 1 *' }, 'cron 0 6 1 1 *'],
    [{ kind: 'every', everyMs: 900_000 }, 'every 15 min'],
    [{ kind: 'every', everyMs: 7_200_000 }, 'every 2 h'],
    [{ kind: 'at', expr: '2026-12-24T18:00:00Z' }, 'once, at 2026-12-24T18:00:00Z'],
    [{ kind: 'other' }, 'custom schedule'],
  ] as const)('%j reads "%s"', (schedule, words) => {
    expect(scheduleInWords(schedule)).toBe(words);
  });
});
