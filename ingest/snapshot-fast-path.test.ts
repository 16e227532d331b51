import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyJson, mutate, strangeNumber, strangeString } from '../test/support/snapshot-mutations.ts';
import { buildSnapshot, MODELS } from '../test/support/snapshot-factory.ts';
import { snapshotSchema } from './contract.ts';
import { isValidSnapshot } from './snapshot-fast-path.ts';

describe('the fast path for snapshot validation', () => {
  it('accepts what agents send, so the hot path really is fast', () => {
    const full = JSON.parse(JSON.stringify(buildSnapshot({ hours: 16, models: MODELS, cronJobs: 10 })));
    full.gateway.failing = ['readyz'];
    full.security.audit = { critical: 0, warn: 1, info: 2, checkIds: ['gateway.bind'] };
    full.cron[0].lastErrorReason = 'rate_limit';
    full.cron[1].schedule = { kind: 'every', everyMs: 600_000 };
    expect(snapshotSchema.safeParse(full).success).toBe(true);
    expect(isValidSnapshot(full)).toBe(true);
    const example = JSON.parse(JSON.stringify(buildSnapshot({ hours: 1, models: MODELS.slice(0, 1), cronJobs: 0 })));
    delete example.agent.host;
    delete example.sessions.byChannel;
    example.security = {};
    expect(isValidSnapshot(example)).toBe(true);
  });

  it('never accepts anything the contract refuses (differential, random and mutated snapshots)', () => {
    const candidate = fc.oneof(
      anyJson,
      fc
        .record({
          path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
          replacement: fc.oneof(anyJson, strangeString, strangeNumber),
          remove: fc.boolean(),
          cronJobs: fc.nat({ max: 3 }),
        })
        .map(({ path, replacement, remove, cronJobs }) => mutate(JSON.parse(JSON.stringify(buildSnapshot({ hours: 2, cronJobs }))), path, replacement, remove)),
    );
    let fast = 0;
    fc.assert(
      fc.property(candidate, (value) => {
        if (!isValidSnapshot(value)) return;
        fast += 1;
        expect(snapshotSchema.safeParse(value).success).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    // Mutations that keep a snapshot valid must have reached the fast path too.
    expect(fast).toBeGreaterThan(500);
  });
});
