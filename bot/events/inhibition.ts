/**
 * Inhibition, as data: while an instance is stale or its gateway is down, the problems those
 * causes explain — a job that could not run, a run that failed, model calls failing — still open
 * as events and show in `status`, but are not paged on their own: the alert for the cause lists
 * them as "also affected". When the cause resolves, what is still open after a settling time is
 * paged normally (bot/notifications/release-held.ts). Alertmanager calls this an inhibit rule;
 * here the service knows the dependencies itself.
 */
import type { EventKind } from './decision.ts';

/** cause kind → the kinds it explains while it is open. */
export const HELD_WHILE: Readonly<Partial<Record<EventKind, readonly EventKind[]>>> = {
  stale: ['cron-missed', 'cron-failed', 'error-spike'],
  'gateway-down': ['cron-missed', 'cron-failed', 'error-spike'],
};

export const CAUSE_KINDS = Object.keys(HELD_WHILE) as EventKind[];

/** Every kind some cause can hold back. */
export const HELD_KINDS: readonly EventKind[] = [...new Set(Object.values(HELD_WHILE).flat())];

/** The open cause that explains `kind`, if one of `openKinds` does (the first in table order). */
export function heldBy(kind: EventKind, openKinds: Iterable<EventKind>): EventKind | undefined {
  const open = new Set(openKinds);
  return CAUSE_KINDS.find((cause) => open.has(cause) && HELD_WHILE[cause]!.includes(kind));
}
