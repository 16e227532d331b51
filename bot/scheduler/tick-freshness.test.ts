import { describe, expect, it } from 'vitest';
import { TickFreshness } from './tick-freshness.ts';

const START = new Date('2026-12-02T12:00:00Z');

function freshness(tickSeconds: number) {
  let now = START;
  const ticks = new TickFreshness({ jobs: ['deliver-notifications', 'evaluate-stale'], tickSeconds, clock: () => now });
  const at = (seconds: number) => (now = new Date(START.getTime() + seconds * 1000));
  const run = (job: string, ok = true, leader = true) => ticks.ran({ job, ok, leader, seconds: 0.01, finishedAt: now });
  return { ticks, at, run };
}

describe('tick freshness (a worker\'s /readyz)', () => {
  it('is ready from start-up until a tick job misses three ticks (30 s at least)', () => {
    const { ticks, at } = freshness(5);
    at(29);
    expect(ticks.readiness()).toEqual({ ready: true });
    at(31);
    expect(ticks.readiness()).toEqual({
      ready: false,
      reason: 'scheduler not ticking: no finished run of deliver-notifications (last 31 s ago), evaluate-stale (last 31 s ago); expected one every tick, at most 30 s apart',
    });
  });

  it('counts a run that found another worker leading, but not a failed one', () => {
    const { ticks, at, run } = freshness(30);
    at(80);
    run('deliver-notifications', true, false);
    run('evaluate-stale', false, false);
    at(100);
    expect(ticks.readiness()).toMatchObject({ ready: false, reason: expect.stringMatching(/no finished run of evaluate-stale \(last 100 s ago\); expected one every tick, at most 90 s apart$/) });
    run('evaluate-stale');
    expect(ticks.readiness()).toEqual({ ready: true });
  });

  it('ignores jobs that do not run every tick (an hourly prune)', () => {
    const { ticks, at, run } = freshness(5);
    at(3600);
    run('deliver-notifications');
    run('evaluate-stale');
    run('prune-snapshots');
    expect(ticks.readiness()).toEqual({ ready: true });
  });
});
