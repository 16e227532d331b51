/**
 * Discord interactions as Discord sends them, signed with a test Ed25519 key pair, and what a
 * person would see of DeepClaw's answers (Discord shows markdown escapes without their backslashes).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { ApplicationCommandOptionType, ApplicationCommandType, ComponentType, InteractionType } from 'discord-api-types/v10';
import { nextSnowflake } from './fake-discord.ts';

/** A key pair of the application under test: Discord signs with the private half. */
export function testKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicKeyHex = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  return {
    publicKeyHex,
    sign: (timestamp: string, body: string) => sign(null, Buffer.concat([Buffer.from(timestamp), Buffer.from(body)]), privateKey).toString('hex'),
  };
}

export interface DiscordPerson {
  id: string;
  name: string;
  /** `member.permissions` in the channel, a decimal bitfield ('0' for an ordinary member). */
  permissions: string;
}

/** Manage Server (1 << 5) plus View Channel and Send Messages. */
export const MANAGE_SERVER = String((1n << 5n) | (1n << 10n) | (1n << 11n));
/** View Channel and Send Messages only. */
export const ORDINARY_MEMBER = String((1n << 10n) | (1n << 11n));

interface Where {
  applicationId: string;
  guildId?: string;
  channelId: string;
}

function base(person: DiscordPerson, where: Where) {
  const user = { id: person.id, username: person.name, global_name: person.name, discriminator: '0', avatar: null };
  return {
    id: nextSnowflake(),
    application_id: where.applicationId,
    token: `interaction-token-${nextSnowflake()}`,
    version: 1,
    channel_id: where.channelId,
    channel: { id: where.channelId, type: where.guildId ? 0 : 1 },
    locale: 'en-US',
    app_permissions: '84992',
    entitlements: [],
    authorizing_integration_owners: { 0: where.guildId ?? '0' },
    ...(where.guildId
      ? {
          guild_id: where.guildId,
          context: 0,
          member: { user, roles: [], permissions: person.permissions, nick: null, joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
        }
      : { context: 1, user }),
  };
}

/** `/deepclaw <subcommand> option:value …`. Numbers are integer options, everything else a string. */
export function slashCommand(person: DiscordPerson, where: Where, subcommand: string, options: Record<string, string | number> = {}, focused?: string) {
  return {
    ...base(person, where),
    type: focused ? InteractionType.ApplicationCommandAutocomplete : InteractionType.ApplicationCommand,
    data: {
      id: '1200000000000000001',
      name: 'deepclaw',
      type: ApplicationCommandType.ChatInput,
      options: [
        {
          type: ApplicationCommandOptionType.Subcommand,
          name: subcommand,
          options: Object.entries(options).map(([name, value]) => ({
            name,
            type: typeof value === 'number' ? ApplicationCommandOptionType.Integer : ApplicationCommandOptionType.String,
            value,
            ...(name === focused ? { focused: true } : {}),
          })),
        },
      ],
    },
  };
}

/** A click on an alert's button. */
export function buttonClick(person: DiscordPerson, where: Where, customId: string, messageId: string) {
  return {
    ...base(person, where),
    type: InteractionType.MessageComponent,
    message: { id: messageId, channel_id: where.channelId, type: 0, content: '', embeds: [], components: [], timestamp: new Date().toISOString() },
    data: { component_type: ComponentType.Button, custom_id: customId },
  };
}

/** Text as Discord shows it: markdown escapes lose their backslash. */
export function displayed(value: string): string {
  return value.replace(/\\([^A-Za-z0-9\s])/g, '$1');
}

/** Everything a message body shows a person (content, embed titles, descriptions, fields, footers), as one string. */
export function shownText(body: any): string {
  const parts: string[] = [body?.content ?? ''];
  for (const embed of body?.embeds ?? []) {
    parts.push(embed.title ?? '', embed.description ?? '', embed.footer?.text ?? '');
    for (const field of embed.fields ?? []) parts.push(`${field.name}: ${field.value}`);
  }
  return displayed(parts.filter(Boolean).join('\n'));
}
