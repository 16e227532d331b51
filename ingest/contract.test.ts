import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../test/support/snapshot-factory.ts';
import { snapshotSchema } from './contract.ts';

describe('snapshot contract v1', () => {
  it('accepts the example in docs/snapshot-v1.md', () => {
    const doc = readFileSync(new URL('../docs/snapshot-v1.md', import.meta.url), 'utf8');
    const example = /## Example\s+```json\n([\s\S]+?)\n```/.exec(doc)![1]!;
    expect(snapshotSchema.safeParse(JSON.parse(example)).success).toBe(true);
  });

  it('refuses unknown fields at every level', () => {
    const snapshot = buildSnapshot();
    for (const bad of [
      { ...snapshot, prompt: 'hello' },
      { ...snapshot, gateway: { ...snapshot.gateway, token: 'x' } },
      { ...snapshot, cron: [{ ...snapshot.cron[0], payload: 'send the report' }] },
      { ...snapshot, usage: [{ ...snapshot.usage[0], text: 'reply' }] },
    ]) {
      expect(snapshotSchema.safeParse(bad).success).toBe(false);
    }
  });

  it.each([
    ['a date that does not exist', { sentAt: '2026-02-30T10:00:00Z' }],
    ['a year before 1970', { sentAt: '0000-01-01T00:00:00Z' }],
    ['a timestamp without a zone', { sentAt: '2026-11-21T20:00:00' }],
    ['a negative seq', { seq: -1 }],
    ['a fractional seq', { seq: 1.5 }],
  ])('refuses %s', (_, override) => {
    expect(snapshotSchema.safeParse({ ...buildSnapshot(), ...override }).success).toBe(false);
  });

  it('refuses a usage hour that is not the top of a UTC hour, and the same bucket twice', () => {
    const snapshot = buildSnapshot();
    const half = { ...snapshot, usage: [{ ...snapshot.usage[0]!, hour: '2026-11-21T20:30:00Z' }] };
    expect(snapshotSchema.safeParse(half).error?.issues.map((i) => i.path.join('.'))).toEqual(['usage.0.hour']);
    const twice = { ...snapshot, usage: [snapshot.usage[0]!, snapshot.usage[0]!] };
    expect(snapshotSchema.safeParse(twice).error?.issues[0]?.message).toBe('duplicate (hour, model) bucket');
  });

  it('refuses the same cron job id twice', () => {
    const snapshot = buildSnapshot();
    const twice = { ...snapshot, cron: [snapshot.cron[0]!, snapshot.cron[0]!] };
    expect(snapshotSchema.safeParse(twice).error?.issues[0]).toMatchObject({ path: ['cron', 1, 'id'], message: 'duplicate cron job id' });
  });
});
