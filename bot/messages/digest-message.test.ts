import { describe, expect, it } from 'vitest';
import { digestMessage, isQuietDigest, type DigestFacts } from './digest-message.ts';
import { itemText } from './message.ts';

const FACTS: DigestFacts = {
  workspaceName: 'acme',
  timeZone: 'UTC',
  cadence: 'weekly',
  from: new Date('2026-11-23T00:00:00Z'),
  to: new Date('2026-11-30T00:00:00Z'),
  instances: [
    { name: 'small', spendUsd: 2, usualUsd: null, monthToDateUsd: 9, cron: { ok: 2, failed: 0, missed: 0 } },
    { name: 'big', spendUsd: 40, usualUsd: 50, monthToDateUsd: 180, cron: { ok: 5, failed: 0, missed: 0 } },
  ],
  topModels: [{ model: 'anthropic/claude-sonnet-4', spendUsd: 30 }],
  events: [],
  notSyncing: [],
  now: new Date('2026-11-30T09:00:00Z'),
};
const lines = (facts: DigestFacts) => digestMessage(facts).blocks.flatMap((b) => (b.kind === 'list' ? b.items.map(itemText) : b.kind === 'text' || b.kind === 'note' ? [b.text] : []));

describe('the digest message', () => {
  it('shows month-to-date spend against the budget when budgets are given, and alone otherwise', () => {
    expect(lines(FACTS)).toContain('big: $40.00 (usual $50.00, -20%); month to date $180.00');
    const budgets = new Map([['big', { monthToDateUsd: 180, budgetUsd: 200 }]]);
    const withBudgets = lines({ ...FACTS, budgets });
    expect(withBudgets).toContain('big: $40.00 (usual $50.00, -20%); month to date $180.00 of $200.00 budget (90%)');
    expect(withBudgets).toContain('small: $2.00 (no usual yet); month to date $9.00');
  });

  it('names a week by its days, and calls a week with nothing wrong quiet', () => {
    expect(digestMessage(FACTS).title).toBe('🗞️ Weekly digest of workspace "acme": Mon 23 Nov – Sun 29 Nov 2026');
    expect(isQuietDigest(FACTS)).toBe(true);
    expect(lines(FACTS)[0]).toBe('All quiet: no events, every instance syncing. Spent $42.00 (usual $50.00).');
    expect(isQuietDigest({ ...FACTS, notSyncing: [{ name: 'small', lastSeenAt: null }] })).toBe(false);
  });

  it('keeps every instance as a counted list item, so a platform that cannot show them all says how many it hid', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `vps-${i}`, spendUsd: i, usualUsd: i, monthToDateUsd: i, cron: { ok: 0, failed: 0, missed: 0 } }));
    const list = digestMessage({ ...FACTS, instances: many }).blocks.find((b) => b.kind === 'list');
    expect(list?.kind === 'list' && list.items[0]).toEqual({ text: 'vps-299: $299.00 (usual $299.00, +0%); month to date $299.00', counted: { one: 'instance', other: 'instances' } });
  });

  it('never carries a mention or buttons', () => {
    expect(digestMessage(FACTS)).toMatchObject({ severity: 'info', actions: [] });
    expect(digestMessage(FACTS).mention).toBeUndefined();
  });
});
