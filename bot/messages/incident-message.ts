/**
 * An instance's incident as one message: a headline ("my-vps: 3 problems"), one line per kind of
 * problem with repeated kinds folded ("7 cron jobs missed: a, b, c, …"), the problems a cause
 * explains listed apart as "also affected", and what resolved meanwhile. An instance's first
 * snapshot says "my-vps connected" with its state. The outbox posts it once and edits it as the
 * incident changes (bot/notifications/incidents.ts).
 */
import type { EventKind } from '../events/decision.ts';
import { heldBy } from '../events/inhibition.ts';
import { humanDuration, utcMinute } from '../human-format.ts';
import { SEVERITY, TITLES } from './alert-message.ts';
import { fields, list, note, text, type Message, type MessageAction, type MessageBlock, type Severity } from './message.ts';

export interface IncidentMember {
  eventId: string;
  kind: EventKind;
  key: string;
  /** What the thing is called where it has a name of its own (a cron job), else the key. */
  name: string;
  summary: string;
  state: 'open' | 'acked' | 'resolved';
  openedAt: Date;
  resolvedAt?: Date;
  /** How it resolved, in words ("the gateway answers again"). */
  resolveSummary?: string;
}

/** The instance's state when it first synced, each as one short phrase. */
export interface ConnectedState {
  gateway: string;
  cron: string;
  security: string;
  spendToday: string;
}

export interface IncidentFacts {
  leaderEventId: string;
  instanceName: string;
  openedAt: Date;
  members: readonly IncidentMember[];
  connected?: ConnectedState;
  acked?: { by: string; at: Date };
  /** Set once every member has resolved. */
  resolvedAt?: Date;
}

/** Where each kind comes in the message: causes first, then what is critical (a Record, so none is forgotten). */
const RANK: Record<EventKind, number> = { stale: 0, 'gateway-down': 1, security: 2, 'error-spike': 3, 'cron-failed': 4, 'cron-missed': 5, 'cost-drift': 6, budget: 7 };

/** A kind's title for several of it ("7 cron jobs missed"). */
const PLURAL_TITLES: Record<EventKind, string> = {
  stale: 'stopped syncing',
  'gateway-down': 'gateway down',
  'cron-failed': 'cron jobs failed',
  'cron-missed': 'cron jobs missed',
  'cost-drift': 'spend drifting',
  'error-spike': 'models with errors spiking',
  security: 'security checks regressed',
  budget: 'monthly budget alerts',
};

/** Names shown in a folded line before "…": a line must stay readable. */
const NAMED_PER_LINE = 5;

export function incidentMessage(facts: IncidentFacts): Message {
  const open = facts.members.filter((m) => m.state !== 'resolved');
  const resolved = facts.members.filter((m) => m.state === 'resolved');
  const openKinds = open.map((m) => m.kind);
  const held = open.filter((m) => heldBy(m.kind, openKinds));
  const paged = open.filter((m) => !heldBy(m.kind, openKinds));
  const pairs: [string, string][] = [
    ['Instance', facts.instanceName],
    ['Since', utcMinute(facts.openedAt)],
  ];
  const blocks: MessageBlock[] = [];
  if (facts.connected) {
    // The state it connected with; the fields below say which instance and since when.
    blocks.push(
      fields([
        ['Gateway', facts.connected.gateway],
        ['Cron', facts.connected.cron],
        ['Security', facts.connected.security],
        ['Spend today', facts.connected.spendToday],
      ]),
    );
  }

  if (facts.resolvedAt) {
    const lasted = humanDuration(facts.resolvedAt.getTime() - facts.openedAt.getTime());
    const count = problems(facts.members.length);
    if (facts.members.length > 0) blocks.push(list(foldedLines(facts.members, '✅ ')));
    blocks.push(fields([['Resolved', `${facts.members.length === 1 ? '' : `all ${count} `}after ${lasted}`], ...pairs]));
    return {
      title: facts.connected && facts.members.length === 0 ? `🟢 ${facts.instanceName} connected` : `✅ ${facts.instanceName}${facts.connected ? ' connected' : ''}: ${count} — resolved`,
      severity: 'resolved',
      blocks,
      actions: [],
    };
  }

  if (paged.length > 0) blocks.push(list(foldedLines(paged)));
  if (held.length > 0) {
    const causes = [...new Set(held.map((m) => heldBy(m.kind, openKinds)!))];
    blocks.push(text(`Also affected, held back while ${causes.map(causePhrase).join(' and ')}:`), list(foldedLines(held)));
  }
  if (resolved.length > 0) blocks.push(note(`Resolved meanwhile: ${foldedLines(resolved).join('; ')}`));
  blocks.push(fields(facts.acked ? [['Acknowledged', `by ${facts.acked.by} at ${utcMinute(facts.acked.at)}`], ...pairs] : pairs));

  const severity: Severity = open.some((m) => SEVERITY[m.kind] === 'critical') ? 'critical' : open.length > 0 ? 'warning' : 'info';
  const icon = severity === 'critical' ? '🔴' : severity === 'warning' ? '🟠' : '🟢';
  const headline = facts.connected
    ? open.length > 0
      ? `${icon} ${facts.instanceName} connected: ${problems(open.length)}`
      : `🟢 ${facts.instanceName} connected`
    : `${icon} ${facts.instanceName}: ${problems(open.length)}`;
  const mutes: MessageAction[] = [
    { id: 'mute-1h', label: 'Mute 1h', eventId: facts.leaderEventId },
    { id: 'mute-24h', label: 'Mute 24h', eventId: facts.leaderEventId },
  ];
  return {
    title: headline,
    severity,
    blocks,
    // Nothing open is nothing to acknowledge or mute: a healthy first contact is news, not an alert.
    actions: open.length === 0 ? [] : facts.acked ? mutes : [{ id: 'ack', label: 'Ack', eventId: facts.leaderEventId }, ...mutes],
  };
}

/** One line per kind, in reading order: its summary when alone, else a count and the names. */
export function foldedLines(members: readonly IncidentMember[], prefix = ''): string[] {
  const byKind = new Map<EventKind, IncidentMember[]>();
  for (const member of members) byKind.set(member.kind, [...(byKind.get(member.kind) ?? []), member]);
  return [...byKind.keys()].sort((a, b) => RANK[a] - RANK[b]).map((kind) => {
    const ofKind = byKind.get(kind)!;
    const only = ofKind[0]!;
    if (ofKind.length === 1) return `${prefix}${TITLES[kind]}: ${only.state === 'resolved' && only.resolveSummary ? only.resolveSummary : only.summary}`;
    const names = ofKind.map((m) => m.name).sort((a, b) => a.localeCompare(b));
    const more = names.length - NAMED_PER_LINE;
    return `${prefix}${ofKind.length} ${PLURAL_TITLES[kind]}: ${names.slice(0, NAMED_PER_LINE).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
  });
}

function causePhrase(cause: EventKind): string {
  return cause === 'stale' ? 'it is not syncing' : 'the gateway is down';
}

function problems(count: number): string {
  return `${count} problem${count === 1 ? '' : 's'}`;
}
