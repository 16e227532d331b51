/**
 * The order of `/deepclaw status`'s instance list: problems first — stale, then gateway down,
 * then any other open event (failing) — and the rest by name. A platform that cannot show the
 * whole list cuts its tail, so the tail must be what matters least; each item says what it is so
 * the cut can say what it hid ("…and 36 more healthy instances").
 */
import type { ListItem } from '../messages/message.ts';
import type { FleetStatus, InstanceState } from './fleet-status.ts';

export type FleetInstance = FleetStatus['instances'][number];

/** Why an instance sorts where it does: its worst problem, or `rest`. */
export type Standing = 'stale' | 'down' | 'failing' | 'rest';

const RANK: Record<Standing, number> = { stale: 0, down: 1, failing: 2, rest: 3 };

export function standingOf(instance: FleetInstance): Standing {
  if (instance.state === 'stale') return 'stale';
  if (instance.openKinds.includes('gateway-down')) return 'down';
  if (instance.openEvents > 0) return 'failing';
  return 'rest';
}

/** Problems first (stale, down, failing), each group and the rest by name. */
export function problemsFirst(instances: readonly FleetInstance[]): FleetInstance[] {
  return [...instances].sort((a, b) => RANK[standingOf(a)] - RANK[standingOf(b)] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const REST: Record<InstanceState, ListItem['counted']> = {
  ok: { one: 'healthy instance', other: 'healthy instances' },
  stale: { one: 'stale instance', other: 'stale instances' },
  paused: { one: 'paused instance', other: 'paused instances' },
  'never-synced': { one: 'instance not synced yet', other: 'instances not synced yet' },
};

const PROBLEM: Record<Exclude<Standing, 'rest'>, ListItem['counted']> = {
  stale: REST.stale,
  down: { one: 'instance with its gateway down', other: 'instances with their gateway down' },
  failing: { one: 'instance with open events', other: 'instances with open events' },
};

/** What a hidden instance counts as in "…and N more …". */
export function countedAs(instance: FleetInstance): ListItem['counted'] {
  const standing = standingOf(instance);
  return standing === 'rest' ? REST[instance.state] : PROBLEM[standing];
}
