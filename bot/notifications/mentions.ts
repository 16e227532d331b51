/**
 * The one place an alert gets its mention: from the subscription's `--mention` columns, only on
 * the message that opens an alert (never a resolve, a reminder, an edit), and only when the alert
 * is at least as severe as the channel asked for. Called where an opening alert is built
 * (deliver.ts; the grouped path too), so "who gets pinged" is decided once.
 */
import type { Message, Severity } from '../messages/message.ts';
import { fromStoredMention, type MentionSeverity } from '../subscriptions/mention-target.ts';

/** The subscription's columns as the delivery claim reads them. */
export interface MentionColumns {
  mention: string | null;
  mention_severity: string | null;
}

const RANK: Record<Severity, number> = { info: 0, resolved: 0, warning: 1, critical: 2 };

/** Whether an alert of `severity` reaches the channel's `least` severity for a mention. */
export function isMentionWorthy(severity: Severity, least: MentionSeverity): boolean {
  return RANK[severity] >= RANK[least];
}

/** `message` with the subscription's mention when it applies; otherwise `message` itself. */
export function withMention(message: Message, subscription: MentionColumns, severity: Severity = message.severity): Message {
  const mention = fromStoredMention(subscription.mention);
  const least: MentionSeverity = subscription.mention_severity === 'warning' ? 'warning' : 'critical';
  if (!mention || !isMentionWorthy(severity, least)) return message;
  return { ...message, mention };
}
