/**
 * Core messages as Discord embeds. Every string in a core message is plain text, so everything
 * that reaches Discord's markdown (the title, the description, field values) is escaped: a cron
 * job called `**nightly** <@123> ||x||` shows as typed. Mentions are also switched off on every
 * message (`allowed_mentions: { parse: [] }`, added by the callers with ALLOW_NO_MENTIONS), so
 * even text that slipped through could ping nobody. Field names and the footer are ours and
 * Discord shows them without markdown, so they are not escaped (a backslash would show).
 *
 * The one exception is a message's `mention`, which the core sets only from a subscription's
 * `--mention` (never from text): the role goes first, in `content` (Discord never pings from an
 * embed), and `allowed_mentions` names that one role and nothing else.
 *
 * Discord refuses an embed past its limits (title 256, description 4096, 25 fields of 1024, footer
 * 2048, 6000 characters in all); lists are cut to fit with a visible "…and N more" (fit-list.ts),
 * never clipped silently.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import { asMessage, type OutboundMessage } from '../../bot/messages/alert-message.ts';
import { fitList } from '../../bot/messages/fit-list.ts';
import type { Mention, MessageAction, Severity } from '../../bot/messages/message.ts';

export const EMBED_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

/** Discord's palette: red, orange, blurple, green. */
export const SEVERITY_COLOURS: Record<Severity, number> = { critical: 0xed4245, warning: 0xf0b232, info: 0x5865f2, resolved: 0x57f287 };

/** On every message DeepClaw sends: no @everyone, role or user ping, whatever the text holds. */
export const ALLOW_NO_MENTIONS = { parse: [] as [] };

/** `custom_id` of an alert button: `deepclaw:<action>:<event id>`, read back by customIdToAction. */
export function actionToCustomId(action: MessageAction): string {
  return `deepclaw:${action.id}:${action.eventId}`;
}

export function customIdToAction(customId: string): { action: MessageAction['id']; eventId: string } | undefined {
  const match = /^deepclaw:(ack|mute-1h|mute-24h):([0-9a-f-]{36})$/.exec(customId);
  return match ? { action: match[1] as MessageAction['id'], eventId: match[2]! } : undefined;
}

/**
 * Discord markdown made inert: a backslash before every character that can start formatting, a
 * mention, a masked link or a heading, and before `://` so a URL is not turned into a link.
 * Discord shows the text without the backslashes.
 */
export function escapeDiscordMarkdown(value: string): string {
  return value
    .replace(/[\\*_~`|<>[\]()#@]/g, (character) => `\\${character}`)
    .replace(/:\/\//g, '\\://')
    .replace(/^(\s*)([-+])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*)(\d+)\.(?=\s)/gm, '$1$2\\.');
}

/** Mentions allowed on a message that pings one role: that role, nothing parsed from text. */
export interface AllowOneRole {
  parse: [];
  roles: [string];
}

export interface DiscordMessage {
  /** Only the mention, when the message has one (an edit without one leaves it; edits never ping again). */
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
  allowed_mentions: typeof ALLOW_NO_MENTIONS | AllowOneRole;
}

/** The role of a mention, if Discord can ping it: roles only, their ids checked again as digits. */
export function discordRole(mention: Mention | undefined): string | undefined {
  return mention?.kind === 'group' && /^\d{17,20}$/.test(mention.id) ? mention.id : undefined;
}

/** Any message of the core as one embed (with its buttons): an alert, its edits, or the answer to a command. */
export function renderMessage(value: OutboundMessage, now: Date): DiscordMessage {
  const message = asMessage(value);
  const title = clip(escapeDiscordMarkdown(message.title), EMBED_LIMITS.title);
  const pairs = message.blocks.flatMap((block) => (block.kind === 'fields' ? block.fields : []));
  // 6000 characters in all, shared in order of importance: the title, the facts, the text, the small print.
  const fields = embedFields(pairs, EMBED_LIMITS.total - title.length - MIN_DESCRIPTION);
  const fieldsLength = fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const notes = message.blocks.flatMap((block) => (block.kind === 'note' ? [block.text] : []));
  const footerRoom = Math.min(EMBED_LIMITS.footer, EMBED_LIMITS.total - title.length - fieldsLength - MIN_DESCRIPTION);
  const footer = notes.length > 0 && footerRoom > 1 ? clip(notes.join('\n'), footerRoom) : undefined;
  const description = describe(message.blocks, Math.min(EMBED_LIMITS.description, EMBED_LIMITS.total - title.length - fieldsLength - (footer?.length ?? 0)));
  const embed: APIEmbed = {
    title,
    color: SEVERITY_COLOURS[message.severity],
    timestamp: now.toISOString(),
    ...(description ? { description } : {}),
    ...(fields.length > 0 ? { fields } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
  };
  const role = discordRole(message.mention);
  if (role) return { content: `<@&${role}>`, embeds: [embed], components: buttons(message.actions), allowed_mentions: { parse: [], roles: [role] } };
  return { embeds: [embed], components: buttons(message.actions), allowed_mentions: ALLOW_NO_MENTIONS };
}

/** A short reply under a posted message (resolve, reminder): plain content, escaped. */
export function renderReplyText(text: string): string {
  return clip(escapeDiscordMarkdown(text), 2000);
}

function buttons(actions: MessageAction[]): APIActionRowComponent<APIButtonComponent>[] {
  if (actions.length === 0) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: actions.slice(0, 5).map((action) => ({
        type: ComponentType.Button,
        style: action.id === 'ack' ? ButtonStyle.Primary : ButtonStyle.Secondary,
        label: clip(action.label, 80),
        custom_id: actionToCustomId(action),
      })),
    },
  ];
}

/** What the description keeps at least, whatever the fields take. */
const MIN_DESCRIPTION = 1000;
/** Room kept for the "…and N more fields" field. */
const MORE_FIELDS_ROOM = 30;

/**
 * Label/value pairs as inline fields, within 25 fields and `budget` characters; when they do not
 * all fit, the last field says how many more there were.
 */
function embedFields(pairs: { label: string; value: string }[], budget: number): NonNullable<APIEmbed['fields']> {
  const fields: NonNullable<APIEmbed['fields']> = [];
  let used = 0;
  for (const [index, pair] of pairs.entries()) {
    const field = {
      name: clip(pair.label || '\u200b', EMBED_LIMITS.fieldName),
      value: clip(escapeDiscordMarkdown(pair.value) || '\u200b', EMBED_LIMITS.fieldValue),
      inline: true,
    };
    const isLast = index === pairs.length - 1;
    const room = isLast ? budget : budget - MORE_FIELDS_ROOM;
    const slots = isLast ? EMBED_LIMITS.fields : EMBED_LIMITS.fields - 1;
    if (fields.length >= slots || used + field.name.length + field.value.length > room) {
      fields.push({ name: '\u200b', value: `…and ${pairs.length - index} more fields`, inline: false });
      break;
    }
    fields.push(field);
    used += field.name.length + field.value.length;
  }
  return fields;
}

/** Text, lists and code in order, within `budget` characters; a list gives up its tail first, and says so. */
function describe(blocks: ReturnType<typeof asMessage>['blocks'], budget: number): string {
  const parts: { kind: 'fixed' | 'list'; text: string; items?: Parameters<typeof fitList>[0] }[] = [];
  for (const block of blocks) {
    if (block.kind === 'text') parts.push({ kind: 'fixed', text: escapeDiscordMarkdown(block.text) });
    // Our own text only (a token, an install command), never user input: a code block, with any
    // backtick replaced so it cannot close the fence.
    if (block.kind === 'code') parts.push({ kind: 'fixed', text: '```\n' + block.text.replace(/`/g, "'") + '\n```' });
    if (block.kind === 'list') parts.push({ kind: 'list', text: '', items: block.items });
  }
  const separators = Math.max(0, parts.length - 1) * 2;
  const fixedLength = parts.reduce((sum, part) => sum + part.text.length, 0) + separators;
  const lists = parts.filter((part) => part.kind === 'list');
  // What the fixed parts leave, shared by the lists (most messages have one).
  const perList = lists.length > 0 ? Math.max(0, Math.floor((budget - fixedLength) / lists.length)) : 0;
  for (const part of lists) {
    part.text = fitList(part.items!, { maxLines: Infinity, maxCharacters: perList }, (item) => `• ${escapeDiscordMarkdown(item)}`).join('\n');
  }
  return clip(
    parts
      .map((part) => part.text)
      .filter(Boolean)
      .join('\n\n'),
    budget,
  );
}

/** Cut to `max` characters with an ellipsis, never ending in half an escape. */
function clip(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max - 1).replace(/\\$/, '')}…`;
}
