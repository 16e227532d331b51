/**
 * The console adapter: with no chat platform configured, alerts and their edits (ack, resolve)
 * are printed to stdout as readable text, so everything can be tried locally.
 */
import type { ChatAdapter, MessageRef } from '../../bot/chat/chat-adapter.ts';
import type { OutboundMessage } from '../../bot/messages/alert-message.ts';
import { toTerminalMessage } from './terminal-message.ts';
import { toTerminalText } from './terminal-text.ts';

export const CONSOLE_CHANNEL = 'stdout';

export function consoleAdapter(write: (text: string) => void = (text) => process.stdout.write(text)): ChatAdapter {
  let counter = 0;
  // What each alert number shows now. An edit that changes nothing (a grouped alert is edited
  // once per member that resolves, each time rendered from the same final state) is a no-op in
  // a chat, where it replaces the message; printed again here, it would read as a second alert.
  const shown = new Map<string | number, string>();
  return {
    platform: 'console',
    async post(_channelId: string, message: OutboundMessage): Promise<MessageRef> {
      const text = toTerminalMessage(message);
      write(`\n${text}\n`);
      shown.set(++counter, text);
      return { line: counter };
    },
    async update(ref: MessageRef, message: OutboundMessage): Promise<void> {
      const text = toTerminalMessage(message);
      if (ref.line !== undefined && shown.get(ref.line) === text) return;
      if (ref.line !== undefined) shown.set(ref.line, text);
      write(`\n${text}\n(updates alert #${ref.line})\n`);
    },
    async reply(ref: MessageRef, text: string): Promise<MessageRef> {
      write(`  ↳ #${ref.line}: ${toTerminalText(text)}\n`);
      return { line: ++counter };
    },
  };
}

