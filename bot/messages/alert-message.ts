/**
 * An alert as a platform-neutral Message, in each of its states: open (with Ack and Mute
 * buttons), acknowledged (who and when, Mute still offered) and resolved. The outbox posts the
 * open one and edits it in place as the event changes.
 */
import type { EventKind } from '../events/decision.ts';
import { fields, text, type Message, type MessageAction, type Severity } from './message.ts';
import { utcMinute } from '../human-format.ts';

export type { Severity } from './message.ts';

/** What each kind is called in an alert's title ("my-vps: gateway down"). */
export const TITLES: Record<EventKind, string> = {
  stale: 'stopped syncing',
  'gateway-down': 'gateway down',
  'cron-failed': 'cron job failed',
  'cron-missed': 'cron job missed',
  'cost-drift': 'spend drifting',
  'error-spike': 'model errors spiking',
  security: 'security posture regressed',
  // One title for both keys: the summary says whether it will pass or has passed.
  budget: 'monthly budget',
};

export const SEVERITY: Record<EventKind, Severity> = {
  stale: 'critical',
  'gateway-down': 'critical',
  'cron-failed': 'warning',
  'cron-missed': 'warning',
  'cost-drift': 'warning',
  'error-spike': 'warning',
  security: 'critical',
  budget: 'warning',
};

export interface AlertFacts {
  eventId: string;
  instanceName: string;
  kind: EventKind;
  summary: string;
  openedAt: Date;
  /** Set once someone acknowledged it: who (as the chat shows them) and when. */
  acked?: { by: string; at: Date };
  resolved?: { at: Date; summary: string };
}


export function alertMessage(facts: AlertFacts): Message {
  const pairs: [string, string][] = [
    ['Instance', facts.instanceName],
    ['Since', utcMinute(facts.openedAt)],
  ];
  if (facts.resolved) {
    return {
      title: `✅ ${facts.instanceName}: ${TITLES[facts.kind]} — resolved`,
      severity: 'resolved',
      // A field of its own, not a second line of the summary: every platform shows fields as
      // they are, and a renderer that escapes line breaks in values never sees one of ours.
      blocks: [text(facts.summary), fields([['Resolved', facts.resolved.summary], ...pairs])],
      actions: [],
    };
  }
  const mutes: MessageAction[] = [
    { id: 'mute-1h', label: 'Mute 1h', eventId: facts.eventId },
    { id: 'mute-24h', label: 'Mute 24h', eventId: facts.eventId },
  ];
  const icon = SEVERITY[facts.kind] === 'critical' ? '🔴' : '🟠';
  if (facts.acked) {
    // Acknowledged is not fixed: the severity stays, the Ack button goes (pressing it again could
    // only say "already acknowledged"), and muting is still what a noisy alert may need next.
    return {
      title: `${icon} ${facts.instanceName}: ${TITLES[facts.kind]}`,
      severity: SEVERITY[facts.kind],
      blocks: [text(facts.summary), fields([['Acknowledged', `by ${facts.acked.by} at ${utcMinute(facts.acked.at)}`], ...pairs])],
      actions: mutes,
    };
  }
  return {
    title: `${icon} ${facts.instanceName}: ${TITLES[facts.kind]}`,
    severity: SEVERITY[facts.kind],
    blocks: [text(facts.summary), fields(pairs)],
    actions: [{ id: 'ack', label: 'Ack', eventId: facts.eventId }, ...mutes],
  };
}

/**
 * The alert shape from before the one message model, still built by bot/tokens/rotation-follow-ups.ts
 * (being reworked elsewhere). Adapters accept it through `asMessage`, so they keep one renderer.
 * @deprecated build a `Message` instead.
 */
export interface AlertMessage {
  title: string;
  severity: Severity;
  summary: string;
  fields: { label: string; value: string }[];
  actions: MessageAction[];
}

/** What the chat port accepts until every caller builds a `Message`. */
export type OutboundMessage = Message | AlertMessage;

/** A `Message`, whichever shape was given: the legacy alert's summary and fields become blocks. */
export function asMessage(value: OutboundMessage): Message {
  if ('blocks' in value) return value;
  return {
    title: value.title,
    severity: value.severity,
    blocks: [text(value.summary), ...(value.fields.length > 0 ? [{ kind: 'fields' as const, fields: value.fields }] : [])],
    actions: value.actions,
  };
}

/** What an alert of this kind is called, as its title says it ("stopped syncing"); digests list events by it. */
export function alertKindTitle(kind: EventKind): string {
  return TITLES[kind];
}

/** How urgent an alert of this kind is. */
export function alertKindSeverity(kind: EventKind): Severity {
  return SEVERITY[kind];
}
