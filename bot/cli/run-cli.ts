/**
 * The admin CLI: parses argv, opens the database the service uses (or the running service's
 * embedded one), calls the core services, and prints human text or `--json`.
 *
 * Exit codes: 0 done · 1 the command failed (unknown name, duplicate, …) · 2 wrong usage or
 * invalid configuration · 3 the database cannot be reached or is locked by another process.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Actor } from '../actor.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { DurationError, toSeconds } from '../duration.ts';
import { DeepClawError } from '../errors.ts';
import { closeNames, didYouMeanAny } from '../suggest.ts';
import { DataDirInUseError } from '../storage/embedded-postgres.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { DatabaseUnavailableError, openDatabase, type Database } from '../storage/orm.ts';
import { COMMANDS, type CommandContext, type CommandOptions } from './commands.ts';
import type { Output } from './output.ts';
import { USAGE } from './usage.ts';
import { runDiscordCli } from '../../adapters/discord/register-commands.ts';

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Who runs the CLI, for the audit log (`cli:<user>`). */
  user: string;
  readStdin(): Promise<string>;
  /** Whether stdin is a terminal: only then may a command ask for confirmation. */
  stdinIsTerminal: boolean;
  /** Asks on the terminal (on stderr, so `--json` stdout stays clean) and returns the typed line. */
  ask(question: string): Promise<string>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, database: 3 } as const;

class UsageError extends Error {
  /** False when the message already says what to type instead: the whole usage would bury it. */
  readonly showUsage: boolean;
  constructor(message: string, showUsage = true) {
    super(message);
    this.showUsage = showUsage;
  }
}

/** The version in package.json: what `deepclaw --version` prints. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Talks to Discord, not the database: its own options and its own module.
  if (argv[0] === 'discord') return runDiscordCli(argv.slice(1), io);
  let parsed: { command: string; positionals: string[]; options: CommandOptions };
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(error.showUsage ? `deepclaw: ${error.message}\n\n${USAGE}` : `deepclaw: ${error.message}\n`);
    return EXIT.usage;
  }
  const { command, positionals, options } = parsed;
  if (command === 'help') {
    io.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (command === 'version') {
    // Before the configuration and the database: it must answer on a broken or locked install too.
    io.stdout.write(options.json ? `${JSON.stringify({ version: VERSION })}\n` : `deepclaw ${VERSION}\n`);
    return EXIT.ok;
  }

  if (COMMANDS[command]!.confirm && !options.yes && !io.stdinIsTerminal) {
    // Nobody can answer a question off a terminal, and guessing "yes" for a script would delete data.
    io.stderr.write(`deepclaw: "${command}" deletes data and asks first; off a terminal, confirm with --yes\n`);
    return EXIT.usage;
  }

  let config: Config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) io.stderr.write(`deepclaw: ${problem}\n`);
    return EXIT.usage;
  }

  let database: Database | undefined;
  try {
    database = await openDatabase({
      database: config.database,
      dataDir: config.dataDir,
      shareRunningEmbedded: true,
      applicationName: 'deepclaw-cli',
    });
    // A running service has migrated its own database; otherwise do what the service would.
    if (command === 'migrate' || (config.database.migrateOnStart && database.kind !== 'shared-embedded')) {
      const applied = await migrateToLatest(database.orm);
      if (command === 'migrate') {
        io.stdout.write(options.json ? `${JSON.stringify({ applied })}\n` : applied.length ? `Applied ${applied.join(', ')}\n` : 'The schema is current.\n');
        return EXIT.ok;
      }
    }
    const actor: Actor = { id: `cli:${io.user}`, origin: 'cli' };
    const context: CommandContext = { em: database.orm.em.fork(), actor, options, io, config, orm: database.orm };
    return await COMMANDS[command]!.run(context, positionals);
  } catch (error) {
    return reportFailure(error, io, options.json);
  } finally {
    await database?.close();
  }
}

function reportFailure(error: unknown, io: CliIo, asJson: boolean): number {
  const exitCode =
    error instanceof DatabaseUnavailableError || error instanceof DataDirInUseError
      ? EXIT.database
      : error instanceof DeepClawError
        ? EXIT.failed
        : undefined;
  if (exitCode === undefined) throw error;
  const { code, message } = error as DeepClawError;
  const details = error instanceof DeepClawError ? error.details : {};
  io.stderr.write(asJson ? `${JSON.stringify({ error: code, message, ...details })}\n` : `deepclaw: ${message}\n`);
  return exitCode;
}

function parseCommandLine(argv: string[]): { command: string; positionals: string[]; options: CommandOptions } {
  let values: Record<string, string | boolean | undefined>;
  let words: string[];
  try {
    ({ values, positionals: words } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        workspace: { type: 'string' },
        instance: { type: 'string' },
        interval: { type: 'string' },
        grace: { type: 'string' },
        limit: { type: 'string' },
        open: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        yes: { type: 'boolean', short: 'y' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.version) return { command: 'version', positionals: [], options: { json: values.json === true } };
  if (values.help || words.length === 0) return { command: 'help', positionals: [], options: { json: false } };
  const [group = '', action = ''] = words;
  const command = COMMANDS[`${group} ${action}`] ? `${group} ${action}` : group;
  const spec = COMMANDS[command];
  if (!spec) throw unknownCommand(words);
  const positionals = words.slice(command.split(' ').length);
  const required = spec.arguments.filter((a) => !a.endsWith('?')).length;
  if (positionals.length < required || positionals.length > spec.arguments.length) {
    const shown = spec.arguments.map((a) => (a.endsWith('?') ? `[${a.slice(0, -1)}]` : `<${a}>`)).join(' ');
    throw new UsageError(
      spec.arguments.length === 0
        ? `"${command}" takes no arguments (got "${positionals.join(' ')}")`
        : required === 0
          ? `"${command}" takes at most ${shown} (got "${positionals.join(' ')}")`
          : `"${command}" needs ${shown}`,
    );
  }
  for (const option of ['workspace', 'instance', 'interval', 'grace', 'limit', 'open'] as const) {
    if (values[option] !== undefined && !spec.options.includes(option)) {
      throw new UsageError(`--${option} does not apply to "${command}"`);
    }
  }
  if (values.yes !== undefined && !spec.confirm) throw new UsageError(`--yes does not apply to "${command}"`);
  return {
    command,
    positionals,
    options: {
      json: values.json === true,
      yes: values.yes === true,
      workspace: values.workspace as string | undefined,
      instance: values.instance as string | undefined,
      intervalSeconds: optionalDuration('interval', values.interval as string | undefined),
      graceSeconds: optionalDuration('grace', values.grace as string | undefined),
      limit: optionalLimit(values.limit as string | undefined),
      open: values.open === true,
    },
  };
}

/**
 * `instance` alone names its subcommands; a mistyped command (`stauts`, `instance lst`,
 * `instanse list`) suggests the close one; only a word like no command gets the whole usage.
 */
function unknownCommand(words: string[]): UsageError {
  const [group = '', action] = words;
  const names = Object.keys(COMMANDS);
  const subcommands = names.filter((name) => name.startsWith(`${group} `));
  if (subcommands.length > 0 && action === undefined) {
    return new UsageError(`"${group}" needs one of: ${subcommands.map((name) => name.slice(group.length + 1)).join(', ')}`, false);
  }
  const typed = words.slice(0, 2).join(' ');
  const close =
    subcommands.length > 0
      ? closeNames(action ?? '', subcommands.map((name) => name.slice(group.length + 1))).map((name) => `${group} ${name}`)
      : [
          ...closeNames(typed, names.filter((name) => name.includes(' '))),
          ...closeNames(group, names.filter((name) => !name.includes(' '))),
        ];
  const shown = typed.slice(0, 60);
  if (close.length === 0) return new UsageError(`unknown command "${shown}"`);
  return new UsageError(`unknown command "${shown}".${didYouMeanAny([...new Set(close)].slice(0, 3))}`, false);
}

function optionalDuration(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return toSeconds(value);
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`--${option}: ${error.message}`);
    throw error;
  }
}

function optionalLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw new UsageError(`--limit must be a whole number from 1 to 1000 (got "${value}")`);
  }
  return Number(value);
}
