/**
 * After an ack (button or `/deepclaw ack`), the posted alert is edited to show who acknowledged
 * it and when, without its Ack button (Mute stays), as PagerDuty and Grafana OnCall do: whoever
 * looks at the channel later sees the alert is being handled without reading its thread. The
 * thread reply the ack command sends stays; this is the edit beside it, through the outbox like
 * every other post, so a Slack outage delays it rather than losing it.
 */
import type { Pool } from 'pg';
import type { ChatAdapter, MessageRef } from '../chat/chat-adapter.ts';
import type { EventKind } from '../events/decision.ts';
import { alertMessage } from '../messages/alert-message.ts';

/** The claimed outbox row, as far as the redraw needs it. */
export interface AckRedrawRow {
  event_id: string;
  kind: EventKind;
  summary: string;
  opened_at: string;
  instance_name: string;
  open_ref: MessageRef | null;
  open_state: string | null;
}

export async function redrawAfterAck(pool: Pool, adapter: ChatAdapter, row: AckRedrawRow): Promise<undefined | 'deferred'> {
  // The alert is still on its way: edit it once it has been posted, so the edit has a target.
  if (!row.open_ref && row.open_state === 'pending') return 'deferred';
  // Never posted here (it failed, or was grouped): there is nothing to redraw, and posting the
  // alert now, late, would page a channel for something someone is already handling.
  if (!row.open_ref) return undefined;
  const acked = await acknowledgement(pool, row.event_id);
  // Resolved meanwhile: the resolve's own edit shows the final state; redrawing it as merely
  // acknowledged would take that back (rows of one event may be delivered in either order).
  if (!acked) return undefined;
  const message = alertMessage({
    eventId: row.event_id,
    instanceName: row.instance_name,
    kind: row.kind,
    summary: row.summary,
    openedAt: new Date(row.opened_at),
    acked,
  });
  await adapter.update(row.open_ref, message);
  return undefined;
}

/** Who acknowledged the event and when, as the chat shows them; undefined unless it is acked now. */
export async function acknowledgement(pool: Pool, eventId: string): Promise<{ by: string; at: Date } | undefined> {
  const { rows } = await pool.query<{ state: string; acked_at: string | null; acked_by: string | null; acked_by_name: string | null }>(
    `select e.state, e.acked_at, e.acked_by,
            (select a.details->>'by' from audit_log a
              where a.action = 'event.acked' and a.details->>'eventId' = e.id::text order by a.id desc limit 1) as acked_by_name
       from event e where e.id = $1`,
    [eventId],
  );
  const event = rows[0];
  if (!event || event.state !== 'acked' || !event.acked_at) return undefined;
  return { by: event.acked_by_name ?? event.acked_by ?? 'someone', at: new Date(event.acked_at) };
}
