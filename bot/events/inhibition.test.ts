import { describe, expect, it } from 'vitest';
import type { EventKind } from './decision.ts';
import { heldBy } from './inhibition.ts';

describe('inhibition rules', () => {
  it.each<[EventKind, EventKind[], EventKind | undefined]>([
    ['cron-missed', ['gateway-down'], 'gateway-down'],
    ['cron-failed', ['gateway-down'], 'gateway-down'],
    ['error-spike', ['gateway-down'], 'gateway-down'],
    ['cron-missed', ['stale'], 'stale'],
    ['error-spike', ['stale', 'gateway-down'], 'stale'],
    // A cause never holds itself or another cause, and security or spend is never explained away.
    ['gateway-down', ['stale'], undefined],
    ['security', ['gateway-down', 'stale'], undefined],
    ['cost-drift', ['gateway-down'], undefined],
    // Without an open cause nothing is held.
    ['cron-missed', ['security', 'cost-drift'], undefined],
    ['cron-missed', [], undefined],
  ])('%s with %j open is held by %s', (kind, open, cause) => {
    expect(heldBy(kind, open)).toBe(cause);
  });
});
