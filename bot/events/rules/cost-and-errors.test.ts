import { describe, expect, it } from 'vitest';
import type { OpenEvent } from '../decision.ts';
import { decideCostDrift, DEFAULT_COST_DRIFT, median, type HourlySpend } from './cost-drift.ts';
import { decideErrorSpike, DEFAULT_ERROR_SPIKE, type HourlyCalls } from './error-spike.ts';

const NOW = new Date('2026-11-23T12:30:00Z'); // a Monday
const HOUR = 3_600_000;
const none = new Map<string, OpenEvent>();

/** Eight days of hourly spend, `perHour(hour)` dollars on one model. */
function history(perHour: (hour: Date) => number, model = 'anthropic/claude-sonnet-4-5'): HourlySpend[] {
  const end = Math.floor(NOW.getTime() / HOUR) * HOUR;
  return Array.from({ length: 8 * 24 }, (_, i) => {
    const hour = new Date(end - i * HOUR);
    return { hour, model, costUsd: perHour(hour) };
  });
}

const weekday = (hour: Date) => hour.getUTCDay() !== 0 && hour.getUTCDay() !== 6;

describe('cost-drift rule', () => {
  it('computes a median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not alert on a weekday after a quiet weekend', () => {
    const spend = history((hour) => (weekday(hour) ? 1.0 : 0.1));
    expect(decideCostDrift({ spend }, none, NOW, DEFAULT_COST_DRIFT)).toEqual([]);
  });

  it('alerts on a spike, naming the model that drove it', () => {
    const steady = history(() => 0.5);
    const spike = history((hour) => (NOW.getTime() - hour.getTime() < 6 * HOUR ? 4.5 : 0), 'anthropic/claude-opus-4-6');
    const [decision] = decideCostDrift({ spend: [...steady, ...spike] }, none, NOW, DEFAULT_COST_DRIFT);
    expect(decision).toMatchObject({
      action: 'open',
      key: 'spend',
      summary: 'trailing-24h spend $39.00 vs baseline $12.00 (3.3x), driven by anthropic/claude-opus-4-6 +$27.00',
    });
  });

  it('needs both the ratio and the absolute amount', () => {
    const doubledButSmall = history((hour) => (NOW.getTime() - hour.getTime() < 24 * HOUR ? 0.2 : 0.1));
    expect(decideCostDrift({ spend: doubledButSmall }, none, NOW, DEFAULT_COST_DRIFT)).toEqual([]);
    const muchMoreButNotRatio = history((hour) => (NOW.getTime() - hour.getTime() < 24 * HOUR ? 14 : 10));
    expect(decideCostDrift({ spend: muchMoreButNotRatio }, none, NOW, DEFAULT_COST_DRIFT)).toEqual([]);
  });

  it('waits for three days of history before judging', () => {
    const spend = history(() => 2).filter((s) => NOW.getTime() - s.hour.getTime() < 3 * 24 * HOUR);
    expect(decideCostDrift({ spend, historySince: new Date(NOW.getTime() - 3 * 24 * HOUR) }, none, NOW, DEFAULT_COST_DRIFT)).toEqual([]);
  });

  it('resolves only after a full recovery window under the line', () => {
    const calm = history(() => 0.5);
    const open = new Map([['spend', { key: 'spend', openedAt: new Date(NOW.getTime() - 5 * HOUR), details: {} }]]);
    const [first] = decideCostDrift({ spend: calm }, open, NOW, DEFAULT_COST_DRIFT);
    expect(first).toMatchObject({ action: 'keep', details: { belowSince: NOW.toISOString() } });
    const later = new Map([['spend', { key: 'spend', openedAt: open.get('spend')!.openedAt, details: (first as { details: Record<string, unknown> }).details }]]);
    expect(decideCostDrift({ spend: calm }, later, new Date(NOW.getTime() + HOUR), DEFAULT_COST_DRIFT)[0]?.action).toBe('keep');
    expect(decideCostDrift({ spend: calm }, later, new Date(NOW.getTime() + 2 * HOUR), DEFAULT_COST_DRIFT)[0]?.action).toBe('resolve');
  });
});

describe('error-spike rule', () => {
  const hours = (recent: { runs: number; errors: number }, usual: { runs: number; errors: number }): HourlyCalls[] => {
    const top = Math.floor(NOW.getTime() / HOUR) * HOUR;
    return [
      { hour: new Date(top), ...recent },
      ...Array.from({ length: 24 }, (_, i) => ({ hour: new Date(top - (i + 2) * HOUR), ...usual })),
    ];
  };

  it.each([
    ['usual 2% failing', { runs: 50, errors: 1 }, { runs: 50, errors: 1 }, []],
    ['12 of 40 failing against 2%', { runs: 40, errors: 12 }, { runs: 50, errors: 1 }, ['open']],
    ['a high rate on too few calls', { runs: 4, errors: 4 }, { runs: 50, errors: 1 }, []],
    ['high but usual for this instance', { runs: 40, errors: 12 }, { runs: 50, errors: 15 }, []],
  ])('%s', (_, recent, usual, actions) => {
    expect(decideErrorSpike(hours(recent, usual), none, NOW, DEFAULT_ERROR_SPIKE).map((d) => d.action)).toEqual(actions);
  });

  it('says how many calls failed and what is usual', () => {
    const [decision] = decideErrorSpike(hours({ runs: 40, errors: 12 }, { runs: 50, errors: 1 }), none, NOW, DEFAULT_ERROR_SPIKE);
    expect(decision).toMatchObject({ summary: '12 of 40 model calls failed in the last hour (30%), usually 2%' });
  });

  it('resolves below half the line, not at the first dip', () => {
    const open = new Map([['model-errors', { key: 'model-errors', openedAt: NOW, details: {} }]]);
    expect(decideErrorSpike(hours({ runs: 100, errors: 8 }, { runs: 50, errors: 1 }), open, NOW, DEFAULT_ERROR_SPIKE)[0]?.action).toBe('keep');
    expect(decideErrorSpike(hours({ runs: 100, errors: 4 }, { runs: 50, errors: 1 }), open, NOW, DEFAULT_ERROR_SPIKE)[0]?.action).toBe('resolve');
  });
});
