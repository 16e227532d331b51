/**
 * Platform-neutral replies to chat commands. Every string in them is plain text — adapters escape
 * it for their markup (Slack mrkdwn, Discord markdown, Telegram HTML) — so nothing a user or an
 * agent typed (an instance name, a model name, an error reason) can ever become markup or a
 * mention. Structure, not formatting, is what the core decides.
 */

export type MessageBlock =
  /** A paragraph. */
  | { kind: 'text'; text: string }
  /** Label/value pairs, shown side by side where the platform can. */
  | { kind: 'fields'; fields: { label: string; value: string }[] }
  /** One item per line. */
  | { kind: 'list'; items: string[] }
  /**
   * Text to copy exactly (a token, a cron line), shown monospaced. `secret` marks a credential:
   * adapters must deliver it only privately and never log it.
   */
  | { kind: 'code'; text: string; secret?: boolean }
  /** Small print under the rest. */
  | { kind: 'note'; text: string };

export interface ChatMessage {
  title: string;
  blocks: MessageBlock[];
}

/**
 * Who may read a reply: only the person who asked (Slack ephemeral, Discord ephemeral, Telegram
 * DM), or everyone in the channel.
 */
export type Audience = 'requester' | 'channel';

export interface Reply {
  audience: Audience;
  message: ChatMessage;
}

export function message(title: string, ...blocks: MessageBlock[]): ChatMessage {
  return { title, blocks };
}

export const text = (value: string): MessageBlock => ({ kind: 'text', text: value });
export const note = (value: string): MessageBlock => ({ kind: 'note', text: value });
export const list = (items: string[]): MessageBlock => ({ kind: 'list', items });
export const code = (value: string, secret = false): MessageBlock => ({ kind: 'code', text: value, ...(secret ? { secret } : {}) });
export const fields = (pairs: [string, string][]): MessageBlock => ({ kind: 'fields', fields: pairs.map(([label, value]) => ({ label, value })) });

/** Whether the message carries a credential (so it must never reach a channel or a log). */
export function holdsSecret(value: ChatMessage): boolean {
  return value.blocks.some((block) => block.kind === 'code' && block.secret === true);
}

/** For terminals and logs: the title, then each block, as plain lines. */
export function chatMessageToPlainText(value: ChatMessage): string {
  const lines = [value.title];
  for (const block of value.blocks) {
    switch (block.kind) {
      case 'text':
      case 'note':
        lines.push(block.text);
        break;
      case 'fields':
        lines.push(...block.fields.map((f) => `${f.label}: ${f.value}`));
        break;
      case 'list':
        lines.push(...block.items.map((item) => `  ${item}`));
        break;
      case 'code':
        lines.push('', `  ${block.text}`, '');
        break;
    }
  }
  return lines.join('\n');
}

/** Several replies for a terminal or a log, a blank line between messages (the console, the CLI). */
export function repliesToPlainText(replies: readonly Reply[]): string {
  return replies.map((reply) => chatMessageToPlainText(reply.message)).join('\n\n');
}
