import { describe, expect, it } from 'vitest';
import { countedAs, problemsFirst, type FleetInstance } from './problems-first.ts';

const at = new Date('2026-12-02T12:00:00Z');
const instance = (name: string, extra: Partial<FleetInstance> = {}): FleetInstance => ({ name, state: 'ok', lastSeenAt: at, openEvents: 0, openKinds: [], ...extra });

describe('status order', () => {
  it('puts stale, then gateway down, then failing instances first, and the rest by name', () => {
    const fleet = [
      instance('a-ok'),
      instance('b-cron', { openEvents: 1, openKinds: ['cron-failed'] }),
      instance('c-paused', { state: 'paused' }),
      instance('d-down', { openEvents: 1, openKinds: ['gateway-down'] }),
      instance('e-stale', { state: 'stale', openEvents: 2, openKinds: ['gateway-down', 'stale'] }),
      instance('f-new', { state: 'never-synced', lastSeenAt: undefined }),
      instance('a-stale', { state: 'stale', openEvents: 1, openKinds: ['stale'] }),
    ];
    expect(problemsFirst(fleet).map((i) => i.name)).toEqual(['a-stale', 'e-stale', 'd-down', 'b-cron', 'a-ok', 'c-paused', 'f-new']);
  });

  it('keeps a stale instance among 500 at the top', () => {
    const fleet = Array.from({ length: 500 }, (_, i) => instance(`gw-${String(i).padStart(3, '0')}`, i === 410 ? { state: 'stale', openEvents: 1, openKinds: ['stale'] } : {}));
    expect(problemsFirst(fleet)[0]!.name).toBe('gw-410');
  });

  it('says what a hidden instance is', () => {
    expect(countedAs(instance('x'))?.other).toBe('healthy instances');
    expect(countedAs(instance('x', { state: 'paused' }))?.other).toBe('paused instances');
    expect(countedAs(instance('x', { openEvents: 1, openKinds: ['gateway-down'] }))?.one).toBe('instance with its gateway down');
  });
});
