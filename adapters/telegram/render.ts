/**
 * Core messages as Telegram HTML (`parse_mode: 'HTML'`). Every string of a message is plain text
 * from the core — instance, model and cron names an agent sent, display names — so each one is
 * escaped (`&`, `<`, `>`, the three characters Telegram's HTML parser reads) and only our own tags
 * remain: `<script>` shows as typed and `@channel` stays text (Telegram has no mass mention a bot
 * could trigger; a `@username` in text only links, it notifies nobody who is not in the chat).
 *
 * A message's `mention` is not rendered: Telegram has none a bot could use to page people, so
 * `subscribe --mention` refuses it there (bot/subscriptions/mention-target.ts).
 *
 * Telegram refuses a message over 4,096 characters, so a message is laid out in parts of at most
 * that: lists are first cut to what fits (with "…and N more …", never silently, fit-list.ts), then
 * blocks are packed into parts; an alert (one message, so it can be edited) is trimmed instead,
 * with a note saying so.
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { asMessage, type OutboundMessage } from '../../bot/messages/alert-message.ts';
import { fitList } from '../../bot/messages/fit-list.ts';
import type { Message, MessageAction, MessageBlock } from '../../bot/messages/message.ts';

/** Telegram's limit for one text message (https://core.telegram.org/bots/api#sendmessage). */
export const MESSAGE_LIMIT = 4096;
/** Telegram's limit for a button's callback_data, in bytes. */
export const CALLBACK_DATA_LIMIT = 64;

export const TRIMMED_NOTE = '<i>…trimmed: Telegram shows at most 4,096 characters in one message.</i>';

/** The three characters Telegram's HTML parse mode reads (https://core.telegram.org/bots/api#html-style). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface TelegramMessage {
  /** HTML texts, each at most MESSAGE_LIMIT characters, sent in order. */
  parts: string[];
  /** The alert's buttons, under the (last) part; undefined when it has none. */
  keyboard?: InlineKeyboardMarkup;
}

/**
 * A command's answer: as many parts as it takes (`maxParts`, default 3, past which it is trimmed
 * with a note). An alert or its edit: `maxParts: 1`.
 */
export function renderMessage(value: OutboundMessage, options: { maxParts?: number } = {}): TelegramMessage {
  const message = asMessage(value);
  const maxParts = options.maxParts ?? 3;
  const title = clipped(message.title, (text) => `<b>${escapeHtml(text)}</b>`, MESSAGE_LIMIT);
  const fixed = message.blocks.filter((block) => block.kind !== 'list');
  const fixedLength = title.length + fixed.reduce((sum, block) => sum + renderBlock(block, MESSAGE_LIMIT).length + 2, 0);
  const lists = message.blocks.length - fixed.length;
  // Lists share what the rest of the first message leaves, so "…and 36 more" shows in one message.
  const listBudget = Math.max(400, Math.floor((MESSAGE_LIMIT - fixedLength - 2 * lists - TRIMMED_NOTE.length) / Math.max(1, lists)));
  // A block alone never needs more than one message; in a one-message layout it leaves room for the title and the note.
  const blockMax = maxParts === 1 ? MESSAGE_LIMIT - title.length - TRIMMED_NOTE.length - 4 : MESSAGE_LIMIT;
  const rendered = [title, ...message.blocks.map((block) => renderBlock(block, block.kind === 'list' ? Math.min(listBudget, blockMax) : blockMax))];
  const keyboard = alertKeyboard(message.actions);
  return { parts: pack(rendered, maxParts), ...(keyboard ? { keyboard } : {}) };
}

function renderBlock(block: MessageBlock, max: number): string {
  switch (block.kind) {
    case 'text':
      return clipped(block.text, escapeHtml, max);
    case 'fields':
      return block.fields.map((field) => clipped(`${field.label}: ${field.value}`, (line) => boldLabel(line, field.label), Math.floor(max / block.fields.length))).join('\n');
    case 'list':
      return fitList(block.items, { maxLines: Infinity, maxCharacters: max }, (item) => escapeHtml(`• ${item}`)).join('\n');
    case 'code':
      // Our own text (a token, an install command), shown monospaced so it copies exactly.
      return clipped(block.text, (text) => `<pre>${escapeHtml(text)}</pre>`, max);
    case 'note':
      return clipped(block.text, (text) => `<i>${escapeHtml(text)}</i>`, max);
  }
}

function boldLabel(line: string, label: string): string {
  const rest = line.slice(label.length + 1);
  return `<b>${escapeHtml(label)}:</b>${escapeHtml(rest)}`;
}

/** `render(text)` cut (before rendering, so no tag or entity is split) to the longest that is at most `max`. */
function clipped(text: string, render: (text: string) => string, max: number): string {
  const whole = render(text);
  if (whole.length <= max) return whole;
  let low = 0;
  let high = text.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (render(`${text.slice(0, middle)}…`).length <= max) low = middle;
    else high = middle - 1;
  }
  return render(`${text.slice(0, low)}…`);
}

/** Blocks into parts of at most MESSAGE_LIMIT, blank line between blocks; past `maxParts`, trimmed with a note. */
function pack(blocks: string[], maxParts: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const block of blocks.filter(Boolean)) {
    const joined = current ? `${current}\n\n${block}` : block;
    if (joined.length <= MESSAGE_LIMIT) {
      current = joined;
      continue;
    }
    parts.push(current);
    current = block;
  }
  if (current) parts.push(current);
  if (parts.length <= maxParts) return parts;
  const kept = parts.slice(0, maxParts);
  const last = kept[maxParts - 1]!;
  kept[maxParts - 1] = `${trimTo(last, MESSAGE_LIMIT - TRIMMED_NOTE.length - 2)}\n\n${TRIMMED_NOTE}`;
  return kept;
}

/** Drops whole blocks from the end of a part until it is at most `max` (a block alone is already within the limit). */
function trimTo(part: string, max: number): string {
  let blocks = part.split('\n\n');
  while (blocks.length > 1 && blocks.join('\n\n').length > max) blocks = blocks.slice(0, -1);
  const kept = blocks.join('\n\n');
  return kept.length <= max ? kept : '';
}

const CALLBACK_CODES: Record<MessageAction['id'], string> = { ack: 'ack', 'mute-1h': 'm1h', 'mute-24h': 'm24h' };
const ACTIONS_BY_CODE = Object.fromEntries(Object.entries(CALLBACK_CODES).map(([id, code]) => [code, id])) as Record<string, MessageAction['id']>;

/** A button's callback_data: `ack:<event id>`, `m1h:<event id>`, `m24h:<event id>`. */
export function toCallbackData(action: MessageAction): string {
  return `${CALLBACK_CODES[action.id]}:${action.eventId}`;
}

/** What a pressed button asks for; undefined for data this bot never sent. */
export function fromCallbackData(data: string): { action: MessageAction['id']; eventId: string } | undefined {
  const match = /^([a-z0-9]+):([0-9a-f-]{1,40})$/.exec(data);
  const action = match ? ACTIONS_BY_CODE[match[1]!] : undefined;
  return action ? { action, eventId: match![2]! } : undefined;
}

function alertKeyboard(actions: Message['actions']): InlineKeyboardMarkup | undefined {
  const buttons: InlineKeyboardButton[] = actions
    .map((action) => ({ text: action.label, callback_data: toCallbackData(action) }))
    // Telegram refuses the whole message for one oversized button; event ids are UUIDs (at most 41 bytes here).
    .filter((button) => Buffer.byteLength(button.callback_data) < CALLBACK_DATA_LIMIT);
  return buttons.length > 0 ? { inline_keyboard: [buttons] } : undefined;
}

/** A plain line of ours or the core's (a reply under an alert), escaped and within the limit. */
export function renderLine(text: string): string {
  return clipped(text, escapeHtml, MESSAGE_LIMIT);
}

/** What a callback toast can show: Telegram cuts answerCallbackQuery text at 200 characters. */
export function toastText(message: Message): string {
  const first = message.blocks.find((block) => block.kind === 'text');
  const text = first && first.kind === 'text' ? first.text : message.title;
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
