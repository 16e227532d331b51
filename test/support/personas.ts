/** Named people and places the tests act as. */
import type { Actor } from '../../bot/actor.ts';

/** An operator at the admin CLI. */
export const ALICE_AT_CLI: Actor = { id: 'cli:alice', origin: 'cli' };
/** A Slack workspace admin in the #ops channel. */
export const BOB_IN_SLACK: Actor = { id: 'slack:U0B0B', origin: 'slack:T0TEAM/C0OPS' };

export const NOON = new Date('2026-11-21T12:00:00.000Z');

export function minutesAfter(start: Date, minutes: number): Date {
  return new Date(start.getTime() + minutes * 60_000);
}
