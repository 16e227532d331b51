/**
 * Delivering an incident's message (incidents.ts): every row on the leader draws the incident as
 * it is when it is sent — its post, its edits (a member joined or resolved, an ack), the reply
 * when it closes, reminders — so rows queued before the message went out are covered by it. An
 * incident of one problem that is no first contact looks exactly like that problem's own alert.
 *
 * News replies ("New: cron job failed …") are spaced by the group interval per channel: one due
 * sooner waits until the interval has passed since the message or the last news, and then tells
 * everything that joined since, or nothing if it all resolved meanwhile.
 */
import type { Pool } from 'pg';
import type { ChatAdapter, MessageRef } from '../chat/chat-adapter.ts';
import type { EventKind } from '../events/decision.ts';
import { heldBy } from '../events/inhibition.ts';
import { humanDuration } from '../human-format.ts';
import { foldedLines, incidentMessage, type ConnectedState, type IncidentFacts, type IncidentMember } from '../messages/incident-message.ts';
import { acknowledgement } from './ack-redraw.ts';
import type { Claimed } from './deliver.ts';
import { withMention } from './mentions.ts';

/** What delivering a row did: posted (its ref), nothing to keep, wait for the message, or wait until then. */
export type IncidentOutcome = MessageRef | undefined | 'deferred' | Date;

export async function deliverIncidentRow(
  pool: Pool,
  adapter: ChatAdapter,
  row: Claimed,
  context: { now: Date; groupIntervalSeconds: number; single: () => Promise<MessageRef | undefined | 'deferred'> },
): Promise<IncidentOutcome> {
  const facts = await loadIncident(pool, row.incident_id!, row.instance_name);
  if (!facts) return undefined;
  const alone = facts.members.length === 1 && !facts.connected;
  // A flapping notice is about one member: the usual reply, under the incident's message.
  if (row.action === 'flapping' || (alone && row.action !== 'incident-update' && row.action !== 'incident-news')) return context.single();
  // Only the post that opens it may ping (mentions.ts); never an edit or a reply.
  if (row.action === 'open') return adapter.post(row.channel_id, withMention(incidentMessage(facts), row));
  // Everything else acts on the posted message: wait while it is on its way; if it never went
  // out (failed, withdrawn, grouped) there is nothing to edit, and posting late would page.
  if (!row.open_ref) return row.open_state === 'pending' ? 'deferred' : undefined;
  const open = facts.members.filter((m) => m.state !== 'resolved');
  switch (row.action) {
    case 'resolve': {
      const resolvedAt = facts.resolvedAt ?? context.now;
      await adapter.update(row.open_ref, incidentMessage({ ...facts, resolvedAt }));
      const count = facts.members.length;
      return adapter.reply(row.open_ref, `Resolved: ${count === 1 ? 'it' : `all ${count} problems`}, ${humanDuration(resolvedAt.getTime() - facts.openedAt.getTime())} after the first opened.`);
    }
    case 'reminder':
      if (open.length === 0) return undefined;
      return adapter.reply(row.open_ref, `Still open after ${humanDuration(context.now.getTime() - facts.openedAt.getTime())}: ${foldedLines(open).join('; ')}`);
    case 'incident-news':
      return tellNews(pool, adapter, row, facts, context);
    case 'ack':
    case 'incident-update':
      await adapter.update(row.open_ref, incidentMessage(facts));
      return undefined;
    default:
      return undefined;
  }
}

/** A reply naming the problems that joined since this channel last heard, at most once an interval. */
async function tellNews(pool: Pool, adapter: ChatAdapter, row: Claimed, facts: IncidentFacts, context: { now: Date; groupIntervalSeconds: number }): Promise<IncidentOutcome> {
  const { rows } = await pool.query<{ told_at: string | null }>(
    `select max(sent_at) as told_at from notification
      where event_id = $1 and subscription_id = $2 and action in ('open', 'incident-news') and state = 'sent' and message_ref is not null`,
    [facts.leaderEventId, row.subscription_id],
  );
  const toldAt = new Date(rows[0]?.told_at ?? row.open_sent_at ?? context.now);
  const open = facts.members.filter((m) => m.state !== 'resolved');
  const openKinds = open.map((m) => m.kind);
  const news = open.filter((m) => m.openedAt > toldAt && !heldBy(m.kind, openKinds));
  if (news.length === 0) return undefined;
  const dueAt = new Date(toldAt.getTime() + context.groupIntervalSeconds * 1000);
  if (dueAt > context.now) return dueAt;
  return adapter.reply(row.open_ref!, `New: ${foldedLines(news).join('; ')}`);
}

async function loadIncident(pool: Pool, incidentId: string, instanceName: string): Promise<IncidentFacts | undefined> {
  const { rows: incidents } = await pool.query<{ leader_event_id: string; opened_at: string; resolved_at: string | null; connected: ConnectedState | null }>(
    `select leader_event_id, opened_at, resolved_at, connected from incident where id = $1`,
    [incidentId],
  );
  const incident = incidents[0];
  if (!incident) return undefined;
  const { rows: members } = await pool.query<{
    id: string;
    kind: EventKind;
    key: string;
    name: string | null;
    summary: string;
    state: IncidentMember['state'];
    opened_at: string;
    resolved_at: string | null;
    resolve_summary: string | null;
  }>(
    `select id, kind, key, details->>'name' as name, summary, state, opened_at, resolved_at, resolve_summary from event where incident_id = $1 order by opened_at, id`,
    [incidentId],
  );
  const acked = await acknowledgement(pool, incident.leader_event_id);
  return {
    leaderEventId: incident.leader_event_id,
    instanceName,
    openedAt: new Date(incident.opened_at),
    members: members.map((m) => ({
      eventId: m.id,
      kind: m.kind,
      key: m.key,
      name: m.name ?? m.key,
      summary: m.summary,
      state: m.state,
      openedAt: new Date(m.opened_at),
      ...(m.resolved_at ? { resolvedAt: new Date(m.resolved_at) } : {}),
      ...(m.resolve_summary ? { resolveSummary: m.resolve_summary } : {}),
    })),
    ...(incident.connected ? { connected: incident.connected } : {}),
    ...(acked ? { acked } : {}),
    ...(incident.resolved_at ? { resolvedAt: new Date(incident.resolved_at) } : {}),
  };
}
