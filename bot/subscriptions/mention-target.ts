/**
 * What `/deepclaw subscribe --mention <target>` may name, per platform, and how it is stored.
 * Pure: the typed text and the platform in, a Mention (bot/messages/message.ts) or an error that
 * says what to type instead. Only targets a channel's admin means to page are accepted:
 *
 * - Slack: `@here`, `@channel` (as typed, or as Slack escapes them: `<!here>`), a user group by its
 *   id (`S0123ABC`) or escaped (`<!subteam^S0123ABC|@oncall>`, what an app with `should_escape`
 *   receives). Our manifests do not escape, so a typed `@oncall` arrives as a bare handle, which is
 *   refused with where to find the id: turning a handle into an id needs `usergroups:read`, a
 *   scope the app does not ask for.
 * - Discord: a role as Discord sends it (`<@&123…>`) or its id. `@everyone` and `@here` are
 *   refused: a role is what on-call rotations use, and pinging a whole server is not an alert.
 * - Telegram: nothing. A bot cannot notify a group's members by mention (there is no @all, and a
 *   `@username` only links); people who muted the group do not hear it either way.
 */
import { InvalidInputError } from '../errors.ts';
import type { Mention, Severity } from '../messages/message.ts';

/** The least severity of an opening alert that carries the mention. */
export type MentionSeverity = Extract<Severity, 'critical' | 'warning'>;
export const MENTION_SEVERITIES: readonly MentionSeverity[] = ['critical', 'warning'];
export const DEFAULT_MENTION_SEVERITY: MentionSeverity = 'critical';

/** The words that clear a channel's mention: `subscribe --mention off`. */
export const NO_MENTION_WORDS: readonly string[] = ['off', 'none'];

export function parseMentionTarget(platform: string, typed: string): Mention {
  const value = typed.trim();
  if (platform === 'slack') return slackTarget(value);
  if (platform === 'discord') return discordTarget(value);
  if (platform === 'telegram') {
    throw new InvalidInputError(
      'mention_unsupported',
      'Telegram has no mention a bot can use to page people: there is no @here or role, and a @username only links. People who need critical alerts can unmute this chat or add DeepClaw to a chat of their own.',
    );
  }
  throw new InvalidInputError('mention_unsupported', `${platform} has no mentions; --mention works in Slack and Discord.`);
}

function slackTarget(value: string): Mention {
  const special = /^@(here|channel)$/i.exec(value) ?? /^<!(here|channel)(?:\|[^>]*)?>$/i.exec(value);
  if (special) return { kind: special[1]!.toLowerCase() as 'here' | 'channel' };
  const escaped = /^<!subteam\^(S[A-Z0-9]{2,30})(?:\|[^>]*)?>$/.exec(value);
  if (escaped) return { kind: 'group', id: escaped[1]! };
  if (/^S[A-Z0-9]{2,30}$/.test(value)) return { kind: 'group', id: value };
  if (/^@?everyone$/i.test(value) || /^<!everyone>$/i.test(value)) {
    throw new InvalidInputError('bad_mention', 'Slack allows @everyone only in #general; use @channel (everyone in this channel) or @here (those active now).');
  }
  if (/^@[\w.-]+$/.test(value)) {
    throw new InvalidInputError(
      'bad_mention',
      `"${value.slice(0, 40)}" is a handle, and DeepClaw needs the user group's id, like S0123ABC: in Slack, open the group (People → User groups), then ⋯ → Copy group ID.`,
    );
  }
  throw new InvalidInputError('bad_mention', `"${value.slice(0, 40)}" is not a Slack mention; use @here, @channel, or a user group's id like S0123ABC.`);
}

function discordTarget(value: string): Mention {
  const role = /^<@&(\d{17,20})>$/.exec(value) ?? /^(\d{17,20})$/.exec(value);
  if (role) return { kind: 'group', id: role[1]! };
  if (/^@?(everyone|here)$/i.test(value)) {
    throw new InvalidInputError('bad_mention', `DeepClaw does not ping ${value.startsWith('@') ? value : `@${value}`} on Discord; make a role for the people on call and mention it (like @on-call).`);
  }
  if (/^<@!?\d+>$/.test(value)) throw new InvalidInputError('bad_mention', `${value} is a member, not a role; mention a role (like @on-call) so the alert follows whoever holds it.`);
  throw new InvalidInputError('bad_mention', `"${value.slice(0, 40)}" is not a Discord role; pick one from the @ menu (like @on-call) or give its id (Developer Mode: right-click the role, Copy Role ID).`);
}

/** The subscription column's form: `here`, `channel`, `group:<id>`. */
export function toStoredMention(mention: Mention): string {
  return mention.kind === 'group' ? `group:${mention.id}` : mention.kind;
}

/** The column read back; undefined for null or for a form this version does not know. */
export function fromStoredMention(stored: string | null | undefined): Mention | undefined {
  if (stored === 'here' || stored === 'channel') return { kind: stored };
  if (stored?.startsWith('group:') && stored.length > 6) return { kind: 'group', id: stored.slice(6) };
  return undefined;
}

/** How a listing names it: `@here`, `user group S0123ABC`, `role 1234…`. */
export function describeMention(platform: string, mention: Mention): string {
  if (mention.kind !== 'group') return `@${mention.kind}`;
  return platform === 'discord' ? `role ${mention.id}` : `user group ${mention.id}`;
}

export function parseMentionSeverity(typed: string): MentionSeverity {
  const value = typed.toLowerCase();
  if ((MENTION_SEVERITIES as readonly string[]).includes(value)) return value as MentionSeverity;
  throw new InvalidInputError('bad_severity', `--severity is critical or warning (warning mentions on warnings and criticals), not "${typed.slice(0, 40)}".`);
}
