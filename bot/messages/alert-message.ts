/**
 * Platform-neutral alert messages. Adapters render them (Block Kit, embeds, HTML); the console
 * adapter uses the plain-text rendering below.
 */
import type { EventKind } from '../events/decision.ts';

export type Severity = 'critical' | 'warning' | 'info' | 'resolved';

export interface AlertMessage {
  title: string;
  severity: Severity;
  /** The figures behind the alert, in words. */
  summary: string;
  fields: { label: string; value: string }[];
  /** Buttons the platform may offer: acknowledge, mute for a while. */
  actions: { id: 'ack' | 'mute-1h' | 'mute-24h'; label: string; eventId: string }[];
}

const TITLES: Record<EventKind, string> = {
  stale: 'stopped syncing',
  'gateway-down': 'gateway down',
  'cron-failed': 'cron job failed',
  'cron-missed': 'cron job missed',
  'cost-drift': 'spend drifting',
  'error-spike': 'model errors spiking',
  security: 'security posture regressed',
};

const SEVERITY: Record<EventKind, Severity> = {
  stale: 'critical',
  'gateway-down': 'critical',
  'cron-failed': 'warning',
  'cron-missed': 'warning',
  'cost-drift': 'warning',
  'error-spike': 'warning',
  security: 'critical',
};

export interface AlertFacts {
  eventId: string;
  instanceName: string;
  kind: EventKind;
  summary: string;
  openedAt: Date;
  resolved?: { at: Date; summary: string };
}

export function alertMessage(facts: AlertFacts): AlertMessage {
  const fields = [
    { label: 'Instance', value: facts.instanceName },
    { label: 'Since', value: facts.openedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' },
  ];
  if (facts.resolved) {
    return {
      title: `✅ ${facts.instanceName}: ${TITLES[facts.kind]} — resolved`,
      severity: 'resolved',
      summary: facts.summary,
      // A field of its own, not a second line of the summary: every platform shows fields as
      // they are, and a renderer that escapes line breaks in values never sees one of ours.
      fields: [{ label: 'Resolved', value: facts.resolved.summary }, ...fields],
      actions: [],
    };
  }
  return {
    title: `${SEVERITY[facts.kind] === 'critical' ? '🔴' : '🟠'} ${facts.instanceName}: ${TITLES[facts.kind]}`,
    severity: SEVERITY[facts.kind],
    summary: facts.summary,
    fields,
    actions: [
      { id: 'ack', label: 'Ack', eventId: facts.eventId },
      { id: 'mute-1h', label: 'Mute 1h', eventId: facts.eventId },
      { id: 'mute-24h', label: 'Mute 24h', eventId: facts.eventId },
    ],
  };
}
