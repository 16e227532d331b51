/**
 * Core messages as Slack Block Kit. Everything that came from a user or an agent (instance names,
 * model names, cron error reasons, display names) goes into `plain_text` objects, which Slack never
 * parses for formatting or mentions, and `&`, `<`, `>` are escaped everywhere as Slack asks, so
 * `<!channel>` or `*bold*` in a name shows as typed and pings nobody. Only our own fixed text
 * (code fences around a token or a cron line) uses mrkdwn — and a message's `mention`, which the
 * core sets only from a subscription's `--mention` (never from text): it becomes the first block,
 * `<!here>`, `<!channel>` or `<!subteam^S…>`, and leads the notification text so it pings.
 */
import { asMessage, type OutboundMessage } from '../../bot/messages/alert-message.ts';
import { fitList } from '../../bot/messages/fit-list.ts';
import type { Mention } from '../../bot/messages/message.ts';

/** Slack's three reserved characters (https://docs.slack.dev/messaging/formatting-message-text#escaping). */
export function escapeSlackText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export type SlackBlock = Record<string, unknown>;

export interface SlackMessage {
  /** The notification and fallback text; sent with `mrkdwn: false`. */
  text: string;
  blocks: SlackBlock[];
}

/** Block Kit limits: header 150 characters, section text 3000, a field 2000, 10 fields per section. */
const LIMITS = { header: 150, section: 3000, field: 2000, fields: 10, blocks: 50 } as const;

function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function plain(value: string, max: number = LIMITS.section): { type: 'plain_text'; text: string; emoji: boolean } {
  // Escape first, then clip, so an entity is never cut in half… unless the cut lands inside one.
  const escaped = escapeSlackText(value || ' ');
  let clipped = clip(escaped, max);
  clipped = clipped.replace(/&[a-z]{0,3}…$/, '…');
  return { type: 'plain_text', text: clipped, emoji: true };
}

function header(title: string): SlackBlock {
  return { type: 'header', text: plain(title, LIMITS.header) };
}

function section(value: string): SlackBlock {
  return { type: 'section', text: plain(value) };
}

function fieldSections(pairs: { label: string; value: string }[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.fields) {
    sections.push({ type: 'section', fields: pairs.slice(i, i + LIMITS.fields).map((f) => plain(`${f.label}: ${f.value}`, LIMITS.field)) });
  }
  return sections;
}

/** Action ids of the alert buttons, handled by the app's block-action listener. */
export const ALERT_ACTION_IDS = { ack: 'deepclaw_ack', 'mute-1h': 'deepclaw_mute_1h', 'mute-24h': 'deepclaw_mute_24h' } as const;

/**
 * A list as one section: as many items as the section's 3000 characters hold (measured escaped,
 * as sent), then a line naming what did not fit. Slack would refuse a longer section outright,
 * and clipping it mid-list hid instances without a word (issue 13).
 */
function listSection(items: Parameters<typeof fitList>[0]): SlackBlock {
  const lines = fitList(items, { maxLines: Infinity, maxCharacters: LIMITS.section }, (item) => escapeSlackText(`• ${item}`));
  return { type: 'section', text: { type: 'plain_text', text: lines.join('\n') || ' ', emoji: true } };
}

/**
 * Slack's syntax for a mention (https://docs.slack.dev/messaging/formatting-message-text#special-mentions).
 * The id was checked when it was stored (bot/subscriptions/mention-target.ts); checked again here,
 * so nothing but `S` and capitals and digits can ever sit inside the brackets.
 */
export function slackMention(mention: Mention): string | undefined {
  if (mention.kind === 'here') return '<!here>';
  if (mention.kind === 'channel') return '<!channel>';
  return /^S[A-Z0-9]+$/.test(mention.id) ? `<!subteam^${mention.id}>` : undefined;
}

/** Any message of the core as Block Kit: an alert, its edits, or the answer to a command. */
export function renderMessage(value: OutboundMessage): SlackMessage {
  const message = asMessage(value);
  const mention = message.mention ? slackMention(message.mention) : undefined;
  // The mention first, in mrkdwn (plain_text never pings); everything else stays as it was.
  const blocks: SlackBlock[] = [...(mention ? [{ type: 'section', text: { type: 'mrkdwn', text: mention } }] : []), header(message.title)];
  const fallback: string[] = [message.title];
  for (const block of message.blocks) {
    switch (block.kind) {
      case 'text':
        blocks.push(section(block.text));
        fallback.push(block.text);
        break;
      case 'fields':
        blocks.push(...fieldSections(block.fields));
        break;
      case 'list':
        blocks.push(listSection(block.items));
        break;
      case 'code':
        // Our own text only (a token, commands with our URL), never user input: a code fence.
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip('```' + escapeSlackText(block.text.replace(/`/g, "'")) + '```', LIMITS.section), verbatim: true } });
        break;
      case 'note':
        blocks.push({ type: 'context', elements: [plain(block.text, LIMITS.field)] });
        break;
    }
  }
  if (message.actions.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'deepclaw_alert_actions',
      elements: message.actions.map((action) => ({
        type: 'button',
        action_id: ALERT_ACTION_IDS[action.id],
        text: plain(action.label, 75),
        value: action.eventId,
        ...(action.id === 'ack' ? { style: 'primary' } : {}),
      })),
    });
  }
  const fallbackText = escapeSlackText(clip(fallback.join('\n'), LIMITS.section));
  return { text: mention ? `${mention} ${fallbackText}` : fallbackText, blocks: withinBlockLimit(blocks) };
}

/** At most 50 blocks, the last saying how many did not fit rather than dropping them unseen. */
function withinBlockLimit(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [...kept, { type: 'context', elements: [plain(`…and ${blocks.length - kept.length} more parts of this message that Slack cannot show`, LIMITS.field)] }];
}
