/**
 * `deepclaw discord register [--guild <id>]`: puts `/deepclaw` into Discord by bulk-overwriting
 * the application's commands (PUT /applications/{id}/commands, or one guild's with --guild, which
 * Discord shows at once where global commands can take a while). A bulk overwrite is idempotent:
 * an unchanged definition keeps its id and version, so running it twice changes nothing — the
 * output says whether anything did. Needs the Discord configuration only, no database.
 */
import type { REST } from '@discordjs/rest';
import { Routes, type APIApplicationCommand } from 'discord-api-types/v10';
import { parseArgs } from 'node:util';
import type { CliIo } from '../../bot/cli/run-cli.ts';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { inviteUrl } from './bot-permissions.ts';
import { discordRest } from './discord-rest.ts';
import { commandDefinitions } from './slash-command.ts';

export const DISCORD_USAGE = 'usage: deepclaw discord register [--guild <server id>] [--json]';

export interface Registration {
  scope: 'global' | { guildId: string };
  /** What each command became: its id, and whether Discord's stored definition changed. */
  commands: { name: string; id: string; changed: boolean }[];
}

export async function registerCommands(rest: REST, applicationId: string, guildId?: string): Promise<Registration> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  const before = (await rest.get(route)) as APIApplicationCommand[];
  const after = (await rest.put(route, { body: commandDefinitions() })) as APIApplicationCommand[];
  const versions = new Map(before.map((command) => [command.id, command.version]));
  return {
    scope: guildId ? { guildId } : 'global',
    commands: after.map((command) => ({ name: command.name, id: command.id, changed: versions.get(command.id) !== command.version })),
  };
}

/** The `discord …` commands of the admin CLI. Exit codes as run-cli.ts's: 0 done, 1 failed, 2 usage or configuration. */
export async function runDiscordCli(args: string[], io: CliIo): Promise<number> {
  let values: { guild?: string; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { guild: { type: 'string' }, json: { type: 'boolean' } } }));
  } catch (error) {
    io.stderr.write(`deepclaw: ${(error as Error).message}\n${DISCORD_USAGE}\n`);
    return 2;
  }
  if (positionals.length !== 1 || positionals[0] !== 'register') {
    io.stderr.write(`deepclaw: "discord" needs one of: register\n${DISCORD_USAGE}\n`);
    return 2;
  }
  if (values.guild !== undefined && !/^\d{17,20}$/.test(values.guild)) {
    io.stderr.write(`deepclaw: --guild expects a server id, 17 to 20 digits (got "${values.guild.slice(0, 40)}"); copy it with Developer Mode on\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.stderr.write(`deepclaw: ${problem}\n`);
    return 2;
  }
  if (!config.discord) {
    io.stderr.write('deepclaw: Discord is not configured: set DISCORD_BOT_TOKEN and DISCORD_APPLICATION_ID (docs/discord.md)\n');
    return 2;
  }
  const rest = discordRest({ apiUrl: config.discord.apiUrl, botToken: config.discord.botToken });
  let registration: Registration;
  try {
    registration = await registerCommands(rest, config.discord.applicationId, values.guild);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) {
      io.stderr.write(`deepclaw: could not reach Discord at ${config.discord.apiUrl}: ${(error as Error).message} (check DISCORD_API_URL and the network)\n`);
      return 1;
    }
    const hint = status === 401 ? ' (check DISCORD_BOT_TOKEN)' : status === 403 || status === 404 ? ' (check DISCORD_APPLICATION_ID, and that the bot is in that server)' : '';
    io.stderr.write(`deepclaw: Discord refused the command registration: ${(error as Error).message}${hint}\n`);
    return 1;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(registration)}\n`);
    return 0;
  }
  const where = registration.scope === 'global' ? 'everywhere the bot is (Discord may take a few minutes to show it)' : `in server ${registration.scope.guildId}`;
  for (const command of registration.commands) {
    io.stdout.write(`/${command.name} ${command.changed ? 'registered' : 'already registered, unchanged'} ${where}\n`);
  }
  io.stdout.write(`Invite the bot to a server with: ${inviteUrl(config.discord.applicationId)}\n`);
  return 0;
}
