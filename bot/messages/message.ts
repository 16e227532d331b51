/**
 * The one platform-neutral message: everything the core says in a chat — an alert, its edits,
 * the answer to a command — is a title, a severity, blocks and actions. Each adapter writes one
 * renderer for it (Slack Block Kit, the terminal, later Discord or Telegram).
 *
 * Every string in it is plain text — adapters escape it for their markup (Slack mrkdwn, Discord
 * markdown, Telegram HTML) — so nothing a user or an agent typed (an instance name, a model name,
 * an error reason) can ever become markup or a mention. Structure, not formatting, is what the
 * core decides.
 */

/** How urgent a message is; `info` for answers to commands. Platforms may colour by it. */
export type Severity = 'critical' | 'warning' | 'info' | 'resolved';

/**
 * A list item that says what it is, so a platform that cannot show the whole list can end it with
 * "…and 36 more healthy instances" instead of clipping silently (bot/messages/fit-list.ts).
 */
export interface ListItem {
  text: string;
  /** What the item counts as when hidden: `{ one: 'healthy instance', other: 'healthy instances' }`. */
  counted?: { one: string; other: string };
}

export type MessageBlock =
  /** A paragraph. */
  | { kind: 'text'; text: string }
  /** Label/value pairs, shown side by side where the platform can. */
  | { kind: 'fields'; fields: { label: string; value: string }[] }
  /** One item per line. Items come in the order to keep when the platform cannot show them all. */
  | { kind: 'list'; items: (string | ListItem)[] }
  /**
   * Text to copy exactly (a token, a cron line), shown monospaced. `secret` marks a credential:
   * adapters must deliver it only privately and never log it.
   */
  | { kind: 'code'; text: string; secret?: boolean }
  /** Small print under the rest. */
  | { kind: 'note'; text: string };

/** Buttons a platform may offer under an alert; the id says what the core does when pressed. */
export interface MessageAction {
  id: 'ack' | 'mute-1h' | 'mute-24h';
  label: string;
  eventId: string;
}

/**
 * Who the message pings, as the first thing in it: the one piece of markup the core asks for.
 * Never built from message text — only from a subscription's `--mention` (bot/notifications/
 * mentions.ts), so nothing an agent or a user typed can ever ping anyone. Each renderer writes it
 * in its platform's syntax (Slack `<!here>`, `<!channel>`, `<!subteam^S…>`; Discord `<@&…>`,
 * with only that role in `allowed_mentions`); a platform that has no such mention shows nothing.
 */
export type Mention =
  /** Slack `@here`: the channel's members who are active. */
  | { kind: 'here' }
  /** Slack `@channel`: every member of the channel. */
  | { kind: 'channel' }
  /** A group of people by the platform's id: a Slack user group (`S…`) or a Discord role (digits). */
  | { kind: 'group'; id: string };

export interface Message {
  title: string;
  severity: Severity;
  blocks: MessageBlock[];
  actions: MessageAction[];
  mention?: Mention;
}

/**
 * Who may read a reply: only the person who asked (Slack ephemeral, Discord ephemeral, Telegram
 * DM), or everyone in the channel.
 */
export type Audience = 'requester' | 'channel';

export interface Reply {
  audience: Audience;
  message: Message;
}

/** An answer to a command: severity `info`, no buttons. */
export function message(title: string, ...blocks: MessageBlock[]): Message {
  return { title, severity: 'info', blocks, actions: [] };
}

export const text = (value: string): MessageBlock => ({ kind: 'text', text: value });
export const note = (value: string): MessageBlock => ({ kind: 'note', text: value });
export const list = (items: (string | ListItem)[]): MessageBlock => ({ kind: 'list', items });
export const code = (value: string, secret = false): MessageBlock => ({ kind: 'code', text: value, ...(secret ? { secret } : {}) });
export const fields = (pairs: [string, string][]): MessageBlock => ({ kind: 'fields', fields: pairs.map(([label, value]) => ({ label, value })) });

/** The text of a list item, whichever form it was given in. */
export function itemText(item: string | ListItem): string {
  return typeof item === 'string' ? item : item.text;
}

/** Whether the message carries a credential (so it must never reach a channel or a log). */
export function holdsSecret(value: Message): boolean {
  return value.blocks.some((block) => block.kind === 'code' && block.secret === true);
}
