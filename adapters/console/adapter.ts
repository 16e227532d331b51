/**
 * The console adapter: with no chat platform configured, alerts and resolves are printed to
 * stdout as readable text, so everything can be tried locally.
 */
import type { ChatAdapter, MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { AlertMessage } from '../../bot/messages/alert-message.ts';
import { toTerminalText } from './terminal-text.ts';

export const CONSOLE_CHANNEL = 'stdout';

export function consoleAdapter(write: (text: string) => void = (text) => process.stdout.write(text)): ChatAdapter {
  let counter = 0;
  return {
    platform: 'console',
    async post(_channelId: string, message: AlertMessage): Promise<MessageRef> {
      write(`\n${toTerminalMessage(message)}\n`);
      return { line: ++counter };
    },
    async update(ref: MessageRef, message: AlertMessage): Promise<void> {
      write(`\n${toTerminalMessage(message)}\n(updates alert #${ref.line})\n`);
    },
    async reply(ref: MessageRef, text: string): Promise<MessageRef> {
      write(`  ↳ #${ref.line}: ${toTerminalText(text)}\n`);
      return { line: ++counter };
    },
  };
}

/** The alert as lines of text, every part of it (any of which may quote a snapshot) made safe. */
function toTerminalMessage(message: AlertMessage): string {
  return [message.title, message.summary, ...message.fields.map((f) => `${f.label}: ${f.value}`)].map(toTerminalText).join('\n');
}
