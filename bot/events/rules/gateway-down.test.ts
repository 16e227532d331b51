import { describe, expect, it } from 'vitest';
import type { OpenEvent } from '../decision.ts';
import { decideGatewayDown } from './gateway-down.ts';

const none = new Map<string, OpenEvent>();
const open = new Map([['gateway', { key: 'gateway', openedAt: new Date(), details: {} }]]);

describe('gateway-down rule', () => {
  it.each([
    ['live and ready', { live: true, ready: true }, none, []],
    ['live, readiness not reported', { live: true }, none, []],
    ['not live', { live: false }, none, ['open']],
    ['live but not ready', { live: true, ready: false, failing: ['channels'] }, none, ['open']],
    ['still down', { live: false }, open, ['keep']],
    ['back up', { live: true, ready: true }, open, ['resolve']],
  ])('%s', (_, gateway, previous, actions) => {
    expect(decideGatewayDown({ gateway }, previous).map((d) => d.action)).toEqual(actions);
  });

  it('names the failing readiness checks', () => {
    const [decision] = decideGatewayDown({ gateway: { live: true, ready: false, failing: ['channels', 'models'] } }, none);
    expect(decision).toMatchObject({ summary: 'the gateway is up but not ready (failing: channels, models)' });
  });

  it('decides nothing before the first snapshot', () => {
    expect(decideGatewayDown({}, none)).toEqual([]);
  });
});
