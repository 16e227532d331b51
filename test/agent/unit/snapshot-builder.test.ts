/** The allowlist builder: only the contract's fields, checked by the contract before sending. */
import { describe, expect, it } from 'vitest';
import { MAX_SNAPSHOT_BYTES, snapshotSchema } from '../../../ingest/contract.ts';
import { buildSnapshot, type SnapshotParts } from '../../../agent/snapshot-builder.ts';

function parts(overrides: Partial<SnapshotParts> = {}): SnapshotParts {
  return {
    snapshotId: '6f1c2a0e-0a5b-4c1e-9d7e-2b8f3c4d5e6f',
    seq: 1795293900000,
    sentAtMs: Date.parse('2026-11-21T20:45:00Z'),
    agent: { version: '0.1.0', intervalSeconds: 300, os: 'linux', arch: 'x64' },
    gateway: { storage: 'json', live: true, failing: [], checkedAtMs: Date.parse('2026-11-21T20:44:59Z') },
    sessions: { total: 0, active24h: 0, running: 0, failed24h: 0 },
    usage: [],
    cron: [],
    security: {},
    ...overrides,
  };
}

const job = (id: string, name: string) => ({ id, name, enabled: true, schedule: { kind: 'every' as const, everyMs: 60_000 }, consecutiveErrors: 0 });

describe('buildSnapshot', () => {
  it('copies only contract fields, even when handed objects with more', () => {
    const smuggled = { ...job('a', 'a'), payload: 'SECRET PROMPT', delivery: { to: '@someone' } } as never;
    const { snapshot, body } = buildSnapshot(parts({ cron: [smuggled], security: { bind: 'loopback', token: 'SECRET' } as never }));
    expect(snapshot.cron).toEqual([job('a', 'a')]);
    expect(body).not.toContain('SECRET');
    expect(body).not.toContain('@someone');
    expect(snapshotSchema.parse(JSON.parse(body))).toEqual(snapshot);
  });

  it('keeps the first of two cron jobs with one id', () => {
    expect(buildSnapshot(parts({ cron: [job('a', 'first'), job('a', 'second'), job('b', 'other')] })).snapshot.cron.map((entry) => entry.name)).toEqual(['first', 'other']);
  });

  it('leaves the oldest usage hours out to stay under the size limit', () => {
    const usage = [];
    for (let hour = 0; hour < 48; hour += 1) {
      for (let model = 0; model < 60; model += 1) {
        usage.push({
          hour: new Date(Date.parse('2026-11-19T21:00:00Z') + hour * 3_600_000).toISOString(),
          model: `provider-${model}/model-with-a-long-name-${model}`,
          runs: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 1, cacheWriteTokens: 1, costUsd: 0.1, errors: 0, missingCost: 0,
        });
      }
    }
    const built = buildSnapshot(parts({ usage }));
    expect(built.droppedUsageHours).toBeGreaterThan(0);
    expect(Buffer.byteLength(built.body)).toBeLessThanOrEqual(MAX_SNAPSHOT_BYTES);
    expect(built.snapshot.usage.at(-1)!.hour).toBe('2026-11-21T20:00:00.000Z');
  });

  it('reports a snapshot the contract refuses as an agent bug (exit 1)', () => {
    expect(() => buildSnapshot(parts({ agent: { version: '', intervalSeconds: 1, os: 'linux', arch: 'x64' } }))).toThrow(
      expect.objectContaining({ code: 'invalid_snapshot', exitCode: 1, message: expect.stringContaining('agent.version') }),
    );
  });
});
