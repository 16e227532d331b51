/**
 * The commands about alerts: `mute`, `unmute`, `ack`, `subscribe`, `unsubscribe`, and the alert
 * buttons (Ack, Mute 1h, Mute 24h), which run the same code as the typed commands. Each change is
 * announced in the channel with who made it, and audited.
 */
import { recordAudit } from '../audit/audit-log.ts';
import { toDurationText } from '../duration.ts';
import { NotFoundError } from '../errors.ts';
import type { EventKind } from '../events/decision.ts';
import { ackEvent, ackRestOfIncident } from '../events/event-store.ts';
import { setMute } from '../events/mutes.ts';
import { enqueueAckRedraw } from '../notifications/enqueue.ts';
import { message, note, text, type Reply } from '../messages/message.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Instance, type Workspace } from '../storage/entities/index.ts';
import { subscribeChannel, unsubscribeChannel, type MentionSetting } from '../subscriptions/subscriptions.ts';
import { DEFAULT_MENTION_SEVERITY, describeMention, NO_MENTION_WORDS, parseMentionTarget } from '../subscriptions/mention-target.ts';
import type { HandlerContext } from './command-core.ts';
import { toChannel, toRequester } from './replies.ts';
import { utcMinute } from '../human-format.ts';


export async function muteCommand(context: HandlerContext, target: string, durationSeconds: number): Promise<Reply[]> {
  const { em, workspace, actor, requester, now } = context;
  const until = new Date(now.getTime() + durationSeconds * 1000);
  await setMute(em, { workspace, target, until, actor, now });
  const what = target === 'all' ? `every instance of workspace "${workspace.name}"` : target;
  return [
    toChannel(
      message(
        `🔕 ${requester.displayName} muted alerts for ${what} for ${toDurationText(durationSeconds)}`,
        text(`Until ${utcMinute(until)}. Events still open and resolve meanwhile; /deepclaw unmute ${target} ends it sooner.`),
      ),
    ),
  ];
}

export async function unmuteCommand(context: HandlerContext, target: string): Promise<Reply[]> {
  const { em, workspace, actor, requester, now } = context;
  await setMute(em, { workspace, target, until: null, actor, now });
  const what = target === 'all' ? `workspace "${workspace.name}"` : target;
  return [toChannel(message(`🔔 ${requester.displayName} unmuted alerts for ${what}`, note('Alerts held back while muted are not replayed.')))];
}

/** `ack <id or its first 6+ characters>`, among this workspace's unresolved events. */
export async function ackCommand(context: HandlerContext, typed: string): Promise<Reply[]> {
  return acknowledge(context, await findUnresolvedEvent(context.em, context.workspace, typed));
}

/** The id of the one unresolved event of the workspace whose id starts with `typed`. */
export async function findUnresolvedEvent(em: EntityManager, workspace: Workspace, typed: string): Promise<string> {
  const matches = await em.execute<{ id: string }[]>(
    `select e.id from event e join instance i on i.id = e.instance_id
      where i.workspace_id = ? and e.state <> 'resolved' and e.id::text like ? order by e.opened_at limit 2`,
    [workspace.id, `${typed.replace(/[%_\\]/g, '')}%`],
  );
  if (matches.length === 0) {
    throw new NotFoundError('unknown_event', `no open event of workspace "${workspace.name}" has an id starting with "${typed}"; /deepclaw status <instance> lists them.`);
  }
  if (matches.length > 1) {
    throw new NotFoundError('ambiguous_event', `more than one open event starts with "${typed}"; type more of its id.`);
  }
  return matches[0]!.id;
}

async function acknowledge(context: HandlerContext, eventId: string): Promise<Reply[]> {
  const { em, workspace, actor, requester, now } = context;
  return em.transactional(async (tx) => {
    const [event] = await tx.execute<{ id: string; kind: string; state: string; acked_by: string | null; instance_id: string; instance_name: string }[]>(
      `select e.id, e.kind, e.state, e.acked_by, i.id as instance_id, i.name as instance_name
         from event e join instance i on i.id = e.instance_id where e.id = ? and i.workspace_id = ?`,
      [eventId, workspace.id],
    );
    if (!event) throw new NotFoundError('unknown_event', `that event is not one of workspace "${workspace.name}"'s.`);
    if (!(await ackEvent(tx, event.id, actor.id, now))) {
      const why = event.state === 'resolved' ? 'it has already resolved' : `it was already acknowledged${event.acked_by ? ` by ${event.acked_by}` : ''}`;
      return [toRequester(message(`Nothing to acknowledge`, text(`${event.instance_name}: ${event.kind} — ${why}.`)))];
    }
    recordAudit(tx, {
      action: 'event.acked',
      actor,
      workspace,
      instance: tx.getReference(Instance, event.instance_id),
      subject: event.instance_name,
      // The name the chat showed, so the redrawn alert can say who acknowledged it (ack-redraw.ts).
      details: { eventId: event.id, kind: event.kind, by: requester.displayName },
      at: now,
    });
    const alsoAcked = await ackRestOfIncident(tx, event.id, actor.id, now);
    await enqueueAckRedraw(tx, event.id, now);
    const also = alsoAcked > 0 ? ` and ${alsoAcked} more problem${alsoAcked === 1 ? '' : 's'} in the same alert` : '';
    return [toChannel(message(`👀 ${requester.displayName} acknowledged ${event.instance_name}: ${event.kind}${also}`, note(`Reminders for ${alsoAcked > 0 ? 'them' : 'it'} stop; ${alsoAcked > 0 ? 'each' : 'it'} still resolves on its own.`)))];
  });
}

/**
 * `subscribe [kinds…] [--mention <target>|off] [--severity critical|warning]`. The target is
 * checked for this platform before anything is written (mention-target.ts), so a bad one changes
 * nothing.
 */
export async function subscribeCommand(context: HandlerContext, kinds: EventKind[] | null, typedMention?: string, mentionSeverity?: 'critical' | 'warning'): Promise<Reply[]> {
  const { em, workspace, actor, requester, place, now } = context;
  let mention: MentionSetting | undefined;
  if (typedMention !== undefined) {
    const off = NO_MENTION_WORDS.includes(typedMention.toLowerCase());
    mention = { target: off ? null : parseMentionTarget(requester.platform, typedMention), severity: mentionSeverity ?? DEFAULT_MENTION_SEVERITY };
  }
  const result = await subscribeChannel(em, { workspace, channel: { platform: requester.platform, channelId: place.channelId }, kinds, mention, actor, now });
  const which = kinds ? `${kinds.join(', ')} alerts` : 'every alert';
  const pings = result.mention
    ? ` Opening ${result.mention.severity === 'warning' ? 'warning and critical' : 'critical'} alerts mention ${describeMention(requester.platform, result.mention.target)}.`
    : mention
      ? ' Alerts mention nobody.'
      : '';
  return [
    toChannel(
      message(
        `📣 This channel now receives ${which} of workspace "${workspace.name}"`,
        text(`Set by ${requester.displayName}.${pings}${result.wasDisabled ? ' Delivery here had been stopped after an error; it is on again.' : ''}`),
        note('Invite the DeepClaw bot to this channel if it is not here yet, or alerts cannot be posted.'),
      ),
    ),
  ];
}

export async function unsubscribeCommand(context: HandlerContext): Promise<Reply[]> {
  const { em, workspace, actor, requester, place, now } = context;
  const removed = await unsubscribeChannel(em, { workspace, channel: { platform: requester.platform, channelId: place.channelId }, actor, now });
  if (!removed) return [toRequester(message('Nothing to unsubscribe', text(`This channel does not receive workspace "${workspace.name}"'s alerts.`)))];
  return [toChannel(message(`🔇 This channel no longer receives workspace "${workspace.name}"'s alerts`, text(`Set by ${requester.displayName}.`)))];
}

/** An alert's button. The event must belong to this chat's workspace. */
export async function alertAction(context: HandlerContext, action: 'ack' | 'mute-1h' | 'mute-24h', eventId: string): Promise<Reply[]> {
  if (!/^[0-9a-f-]{36}$/i.test(eventId)) throw new NotFoundError('unknown_event', 'that button does not name an event.');
  if (action === 'ack') return acknowledge(context, eventId);
  const [event] = await context.em.execute<{ instance_name: string }[]>(
    `select i.name as instance_name from event e join instance i on i.id = e.instance_id where e.id = ? and i.workspace_id = ?`,
    [eventId, context.workspace.id],
  );
  if (!event) throw new NotFoundError('unknown_event', `that event is not one of workspace "${context.workspace.name}"'s.`);
  return muteCommand(context, event.instance_name, action === 'mute-1h' ? 3600 : 86_400);
}
