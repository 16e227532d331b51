/**
 * The grouped stale alert: several instances of one workspace went quiet within a minute, which
 * usually means one shared cause (network, provider, a host), so it is one message, edited as
 * members join and recover.
 */
import { humanDuration, utcMinute } from '../human-format.ts';
import type { AlertMessage } from './alert-message.ts';

export interface StaleGroupFacts {
  openedAt: Date;
  members: { instanceName: string; resolved: boolean }[];
  /** Set once every member syncs again. */
  resolvedAt?: Date;
}

/** Beyond this many names the list ends in "and N more": a message must stay readable. */
const LISTED = 20;

export function staleGroupMessage(facts: StaleGroupFacts): AlertMessage {
  const silent = facts.members.filter((m) => !m.resolved);
  const back = facts.members.filter((m) => m.resolved);
  const count = facts.members.length;
  const fields = [
    { label: silent.length > 0 ? 'Silent' : 'Instances', value: names(silent.length > 0 ? silent : back) },
    ...(silent.length > 0 && back.length > 0 ? [{ label: 'Syncing again', value: names(back) }] : []),
    { label: 'Since', value: utcMinute(facts.openedAt) },
  ];
  if (facts.resolvedAt) {
    return {
      title: `✅ ${count} instances stopped syncing within a minute — resolved`,
      severity: 'resolved',
      summary: `All ${count} are syncing again, the last ${humanDuration(facts.resolvedAt.getTime() - facts.openedAt.getTime())} after this alert.`,
      fields,
      actions: [],
    };
  }
  return {
    title: `🔴 ${count} instances stopped syncing within a minute`,
    severity: 'critical',
    summary: 'Likely a shared network or provider problem rather than separate failures.',
    fields,
    // Ack and mute act on one event; a group has several, so its members are acked one by one.
    actions: [],
  };
}

function names(members: StaleGroupFacts['members']): string {
  const listed = members.slice(0, LISTED).map((m) => m.instanceName);
  return members.length > LISTED ? `${listed.join(', ')} and ${members.length - LISTED} more` : listed.join(', ');
}
