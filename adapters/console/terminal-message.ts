/**
 * Core messages as terminal text: the console of `npm start` (alerts and answers) and the CLI's
 * `status`/`ack` print through this one renderer. Every string that may quote an agent or a user
 * goes through `toTerminalText` on its own, so a line break or an escape sequence inside it is
 * shown, never obeyed; only the line breaks between parts are ours.
 */
import { asMessage, type OutboundMessage } from '../../bot/messages/alert-message.ts';
import { fitList, UNLIMITED } from '../../bot/messages/fit-list.ts';
import type { Reply } from '../../bot/messages/message.ts';
import { toTerminalText } from './terminal-text.ts';

/** The title, then each block, as lines. Buttons are not shown: a terminal cannot press them. */
export function toTerminalMessage(value: OutboundMessage): string {
  const message = asMessage(value);
  // Nobody to ping in a terminal; the mention is shown, first, as the chat would show it.
  const mention = message.mention ? [message.mention.kind === 'group' ? `@${toTerminalText(message.mention.id)}` : `@${message.mention.kind}`] : [];
  const lines = [...mention, toTerminalText(message.title)];
  for (const block of message.blocks) {
    switch (block.kind) {
      case 'text':
      case 'note':
        lines.push(toTerminalText(block.text));
        break;
      case 'fields':
        lines.push(...block.fields.map((f) => toTerminalText(`${f.label}: ${f.value}`)));
        break;
      case 'list':
        // A terminal scrolls, so nothing is hidden; the budget rule is the same one Slack's uses.
        lines.push(...fitList(block.items, UNLIMITED, (item) => `  ${toTerminalText(item)}`));
        break;
      case 'code':
        // Our own text (commands to paste), whose line breaks are meant: kept, each line made safe.
        lines.push('', `  ${block.text.split('\n').map(toTerminalText).join('\n')}`, '');
        break;
    }
  }
  return lines.join('\n');
}

/** Several replies, a blank line between messages (the console, the CLI). */
export function repliesToTerminalText(replies: readonly Reply[]): string {
  return replies.map((reply) => toTerminalMessage(reply.message)).join('\n\n');
}
