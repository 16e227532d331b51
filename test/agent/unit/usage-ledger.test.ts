/** The cumulative usage ledger: window, dedup, state round trip, calls from the future. */
import { describe, expect, it } from 'vitest';
import type { ModelCall } from '../../../agent/openclaw/model-call.ts';
import { encodeSeen, hash53, UsageLedger, usageWindowStart, type UsageLedgerState } from '../../../agent/usage-ledger.ts';

const NOW = Date.parse('2026-11-21T20:45:00Z');
const HOUR = 3_600_000;

function call(overrides: Partial<ModelCall> = {}): ModelCall {
  return { entryId: `k${Math.random()}`, atMs: NOW, model: 'p/m', inputTokens: 10, outputTokens: 1, cacheReadTokens: 2, cacheWriteTokens: 3, costUsd: 0.1, error: false, ...overrides };
}

describe('UsageLedger', () => {
  it('keeps 48 hourly buckets: the current hour and the 47 before it', () => {
    expect(usageWindowStart(NOW)).toBe(Date.parse('2026-11-19T21:00:00Z'));
    const ledger = new UsageLedger(undefined, NOW);
    expect(ledger.record(call({ atMs: Date.parse('2026-11-19T20:59:59Z') }))).toBe('outside-window');
    expect(ledger.record(call({ atMs: Date.parse('2026-11-19T21:00:00Z') }))).toBe('counted');
    expect(ledger.buckets(NOW).map((bucket) => bucket.hour)).toEqual(['2026-11-19T21:00:00.000Z']);
  });

  it('adds calls up per hour and model, counting errors and missing costs', () => {
    const ledger = new UsageLedger(undefined, NOW);
    ledger.record(call());
    ledger.record(call({ costUsd: undefined, error: true }));
    ledger.record(call({ model: 'p/other' }));
    ledger.record(call({ atMs: NOW - HOUR }));
    expect(ledger.buckets(NOW)).toEqual([
      { hour: '2026-11-21T19:00:00.000Z', model: 'p/m', runs: 1, inputTokens: 10, outputTokens: 1, cacheReadTokens: 2, cacheWriteTokens: 3, costUsd: 0.1, errors: 0, missingCost: 0 },
      { hour: '2026-11-21T20:00:00.000Z', model: 'p/m', runs: 2, inputTokens: 20, outputTokens: 2, cacheReadTokens: 4, cacheWriteTokens: 6, costUsd: 0.1, errors: 1, missingCost: 1 },
      { hour: '2026-11-21T20:00:00.000Z', model: 'p/other', runs: 1, inputTokens: 10, outputTokens: 1, cacheReadTokens: 2, cacheWriteTokens: 3, costUsd: 0.1, errors: 0, missingCost: 0 },
    ]);
  });

  it('counts an entry once, also after a round trip through the state file', () => {
    const ledger = new UsageLedger(undefined, NOW);
    expect(ledger.record(call({ entryId: 'abc1' }))).toBe('counted');
    expect(ledger.record(call({ entryId: 'abc1' }))).toBe('duplicate');
    const state = ledger.toState();
    const asStored: UsageLedgerState = {
      hours: Object.fromEntries(Object.entries(state.hours).map(([hour, bucket]) => [hour, { models: bucket.models, ...(bucket.seen ? { seen: encodeSeen(bucket.seen) } : {}) }])),
    };
    const restored = new UsageLedger(JSON.parse(JSON.stringify(asStored)), NOW + 60_000);
    expect(restored.record(call({ entryId: 'abc1' }))).toBe('duplicate');
    expect(restored.record(call({ entryId: 'abc2' }))).toBe('counted');
    expect(restored.buckets(NOW)[0]!.runs).toBe(2);
  });

  it('keeps calls stamped after now and sends them once their hour comes', () => {
    const ledger = new UsageLedger(undefined, NOW);
    ledger.record(call({ atMs: NOW + 2 * HOUR }));
    expect(ledger.buckets(NOW)).toEqual([]);
    const later = new UsageLedger(ledger.toState(), NOW + 2 * HOUR);
    expect(later.buckets(NOW + 2 * HOUR)).toHaveLength(1);
  });

  it('reports float sums to ten decimals', () => {
    const ledger = new UsageLedger(undefined, NOW);
    for (const cost of [0.026028000000000003, 0.0261273, 0.1]) ledger.record(call({ costUsd: cost }));
    expect(ledger.buckets(NOW)[0]!.costUsd).toBe(0.1521553);
  });

  it('hashes to 53-bit integers', () => {
    const hashes = new Set(Array.from({ length: 10_000 }, (_, index) => hash53(`entry-${index % 100}`, 1795292653671 + Math.floor(index / 100))));
    expect(hashes.size).toBe(10_000);
    for (const hash of hashes) expect(Number.isSafeInteger(hash) && hash >= 0).toBe(true);
  });
});
