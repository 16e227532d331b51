import { describe, expect, it } from 'vitest';
import type { OpenEvent } from '../decision.ts';
import { decideCronFailed, type CronJobFacts } from './cron-failed.ts';
import { decideCronMissed } from './cron-missed.ts';

const NOW = new Date('2026-11-21T12:00:00Z');
const minutes = (m: number) => new Date(NOW.getTime() + m * 60_000);
const none = new Map<string, OpenEvent>();
const openFor = (key: string, name = 'report') => new Map([[key, { key, openedAt: minutes(-30), details: { name } }]]);
const job = (overrides: Partial<CronJobFacts> = {}): CronJobFacts => ({ id: 'j1', name: 'report', enabled: true, consecutiveErrors: 0, ...overrides });

describe('cron-failed rule', () => {
  it.each([
    ['ok run', job({ lastStatus: 'ok' }), none, []],
    ['error run', job({ lastStatus: 'error', lastErrorReason: 'rate_limit', consecutiveErrors: 3 }), none, ['open']],
    ['auto-disabled', job({ lastStatus: 'skipped', autoDisabled: true }), none, ['open']],
    ['still failing', job({ lastStatus: 'error' }), openFor('j1'), ['keep']],
    ['next run ok', job({ lastStatus: 'ok' }), openFor('j1'), ['resolve']],
    ['skipped since', job({ lastStatus: 'skipped' }), openFor('j1'), ['keep']],
  ])('%s', (_, facts, previous, actions) => {
    expect(decideCronFailed([facts], previous).map((d) => d.action)).toEqual(actions);
  });

  it('says which job failed, why, and how often', () => {
    const [decision] = decideCronFailed([job({ lastStatus: 'error', lastErrorReason: 'rate_limit', consecutiveErrors: 3 })], none);
    expect(decision).toMatchObject({ action: 'open', summary: 'cron job "report" failed (rate_limit), 3 runs in a row' });
  });

  it('resolves the event of a job that no longer exists', () => {
    expect(decideCronFailed([], openFor('gone', 'old job'))).toEqual([
      { action: 'resolve', key: 'gone', summary: 'cron job "old job" no longer exists', details: { name: 'old job' } },
    ]);
  });
});

describe('cron-missed rule', () => {
  it.each([
    ['due in the future', job({ nextRunAt: minutes(5) }), none, {}, []],
    ['overdue within the 10 min grace', job({ nextRunAt: minutes(-9) }), none, {}, []],
    ['overdue past the grace', job({ nextRunAt: minutes(-11) }), none, {}, ['open']],
    ['overdue but it ran since', job({ nextRunAt: minutes(-20), lastRunAt: minutes(-19) }), none, {}, []],
    ['overdue but disabled', job({ nextRunAt: minutes(-60), enabled: false }), none, {}, []],
    ['every 10 min: grace is 5 min', job({ nextRunAt: minutes(-6), everyMs: 600_000 }), none, {}, ['open']],
    ['explicit grace of 30 min', job({ nextRunAt: minutes(-20) }), none, { graceSeconds: 1800 }, []],
    ['a run arrives', job({ nextRunAt: minutes(20), lastRunAt: minutes(-1) }), openFor('j1'), {}, ['resolve']],
  ])('%s', (_, facts, previous, thresholds, actions) => {
    expect(decideCronMissed([facts], previous, NOW, thresholds).map((d) => d.action)).toEqual(actions);
  });

  it('says how overdue the job is', () => {
    const [decision] = decideCronMissed([job({ nextRunAt: minutes(-25) })], none, NOW, {});
    expect(decision).toMatchObject({ action: 'open', summary: 'cron job "report" was due 25 min ago and has not run' });
  });
});
