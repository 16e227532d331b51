import { describe, expect, it } from 'vitest';
import type { OpenEvent } from '../decision.ts';
import { decideStale } from './stale.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const none = new Map<string, OpenEvent>();
const openSince = (lastSeenMinutesAgo: number) =>
  new Map([['agent', { key: 'agent', openedAt: minutesAgo(lastSeenMinutesAgo - 10), details: { lastSeenAt: minutesAgo(lastSeenMinutesAgo).toISOString() } }]]);

describe('stale rule', () => {
  it.each([
    ['synced 4 min ago, every 5 min', 4, 300, {}, []],
    ['exactly at interval + grace (10 min)', 10, 300, {}, []],
    ['10 min 1 s of silence', 10.02, 300, {}, ['open']],
    ['17 min of silence', 17, 300, {}, ['open']],
    ['hourly agent, 1 h 59 min ago (grace = interval)', 119, 3600, {}, []],
    ['hourly agent, 2 h 1 min ago', 121, 3600, {}, ['open']],
    ['a 30 s grace override, 6 min ago', 6, 300, { graceSeconds: 30 }, ['open']],
  ])('%s', (_, minutes, intervalSeconds, thresholds, actions) => {
    const decisions = decideStale({ lastSeenAt: minutesAgo(minutes), intervalSeconds, paused: false }, none, NOW, thresholds);
    expect(decisions.map((d) => d.action)).toEqual(actions);
  });

  it('says how long ago and how often it was expected', () => {
    const [decision] = decideStale({ lastSeenAt: minutesAgo(17), intervalSeconds: 300, paused: false }, none, NOW, {});
    expect(decision).toMatchObject({ action: 'open', key: 'agent', summary: 'last sync 17 min ago, expected every 5 min' });
  });

  it('never opens for an instance that has not synced yet', () => {
    expect(decideStale({ intervalSeconds: 300, paused: false }, none, NOW, {})).toEqual([]);
  });

  it('never opens for a paused instance, and resolves one that was open', () => {
    expect(decideStale({ lastSeenAt: minutesAgo(60), intervalSeconds: 300, paused: true }, none, NOW, {})).toEqual([]);
    const [decision] = decideStale({ lastSeenAt: minutesAgo(60), intervalSeconds: 300, paused: true }, openSince(60), NOW, {});
    expect(decision?.action).toBe('resolve');
  });

  it('keeps an open event open while the silence lasts, with fresh figures', () => {
    const [decision] = decideStale({ lastSeenAt: minutesAgo(40), intervalSeconds: 300, paused: false }, openSince(40), NOW, {});
    expect(decision).toMatchObject({ action: 'keep', details: { silentSeconds: 2400 } });
  });

  it('resolves when a snapshot arrives, saying how long the silence lasted', () => {
    const [decision] = decideStale({ lastSeenAt: minutesAgo(1), intervalSeconds: 300, paused: false }, openSince(48), NOW, {});
    expect(decision).toMatchObject({ action: 'resolve', summary: 'syncing again after 47 min of silence' });
  });
});
