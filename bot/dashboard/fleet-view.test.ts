import { describe, expect, it } from 'vitest';
import { arrangeFleet, fleetStateOf, type FleetRow } from './fleet-view.ts';

const row = (name: string, extra: Partial<FleetRow> = {}): FleetRow => ({ name, state: 'ok', intervalSeconds: 300, openEvents: 0, cron: { ok: 0, failing: 0, missed: 0 }, ...extra });

describe('the fleet list', () => {
  it('says paused, never synced, stale, gateway down or ok, in that order of precedence', () => {
    const seen = new Date();
    expect(fleetStateOf({ paused: true, lastSeenAt: seen, stale: true, gatewayDown: true })).toBe('paused');
    expect(fleetStateOf({ paused: false, stale: false, gatewayDown: false })).toBe('never-synced');
    expect(fleetStateOf({ paused: false, lastSeenAt: seen, stale: true, gatewayDown: true })).toBe('stale');
    expect(fleetStateOf({ paused: false, lastSeenAt: seen, stale: false, gatewayDown: true })).toBe('gateway-down');
    expect(fleetStateOf({ paused: false, lastSeenAt: seen, stale: false, gatewayDown: false })).toBe('ok');
  });

  it('sorts problems first (stale, gateway down, open events), then healthy, paused and never-synced ones, each by name', () => {
    const fleet = [row('b-ok'), row('a-paused', { state: 'paused' }), row('c-failing', { openEvents: 2 }), row('d-down', { state: 'gateway-down' }), row('e-stale', { state: 'stale' }), row('a-new', { state: 'never-synced' }), row('a-ok')];
    expect(arrangeFleet(fleet, {}).map((r) => r.name)).toEqual(['e-stale', 'd-down', 'c-failing', 'a-ok', 'b-ok', 'a-paused', 'a-new']);
  });

  it('filters by state and by part of the name, and sorts by spend or oldest sync when asked', () => {
    const fleet = [row('gw-1', { spendTodayUsd: 1, lastSeenAt: new Date(3000) }), row('gw-2', { spendTodayUsd: 5, lastSeenAt: new Date(1000) }), row('db-1', { state: 'stale', spendTodayUsd: 2, lastSeenAt: new Date(2000) })];
    expect(arrangeFleet(fleet, { name: 'GW' }).map((r) => r.name)).toEqual(['gw-1', 'gw-2']);
    expect(arrangeFleet(fleet, { state: 'stale' }).map((r) => r.name)).toEqual(['db-1']);
    expect(arrangeFleet(fleet, { sort: 'spend' }).map((r) => r.name)).toEqual(['gw-2', 'db-1', 'gw-1']);
    expect(arrangeFleet(fleet, { sort: 'last-sync' }).map((r) => r.name)).toEqual(['gw-2', 'db-1', 'gw-1']);
  });
});
