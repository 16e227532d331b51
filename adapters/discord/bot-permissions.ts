/**
 * What the bot may do in a server, asked for in its invite URL: only what posting alerts needs —
 * View Channel, Send Messages, Embed Links (alerts are embeds) and Read Message History (a resolve
 * replies to the alert it posted). No Mention Everyone, nothing Manage: 84992.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';

export const BOT_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.ReadMessageHistory;

/** The URL a server admin opens to add the bot, with its slash commands, to a server. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot%20applications.commands&permissions=${BOT_PERMISSIONS}`;
}
