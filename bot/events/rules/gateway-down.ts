/**
 * gateway-down: snapshots arrive but say the gateway is not live, or not ready. Resolves once it is
 * live (and not reported unready) again.
 */
import type { Decision, OpenEvents } from '../decision.ts';

export interface GatewayFacts {
  /** The newest snapshot's gateway state; undefined before the first snapshot. */
  gateway?: { live: boolean; ready?: boolean; failing?: string[]; version?: string };
}

const KEY = 'gateway';

export function decideGatewayDown(facts: GatewayFacts, open: OpenEvents): Decision[] {
  const current = open.get(KEY);
  const { gateway } = facts;
  if (!gateway) return current ? [{ action: 'keep', key: KEY }] : [];
  const down = !gateway.live || gateway.ready === false;
  const details = { live: gateway.live, ready: gateway.ready ?? null, failing: gateway.failing ?? [] };
  if (down) {
    if (current) return [{ action: 'keep', key: KEY, details }];
    const failing = gateway.failing?.length ? ` (failing: ${gateway.failing.join(', ')})` : '';
    const summary = gateway.live ? `the gateway is up but not ready${failing}` : `the gateway does not answer its health check${failing}`;
    return [{ action: 'open', key: KEY, summary, details }];
  }
  return current ? [{ action: 'resolve', key: KEY, summary: 'the gateway is live and ready again', details }] : [];
}
