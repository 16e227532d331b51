/**
 * `/deepclaw` as a Discord slash command: one subcommand per entry of the shared grammar, each
 * with typed options, and the way back — the options of an invocation joined into the words the
 * grammar parses (`rotate-token my-vps --grace 15m`), so Discord gets exactly the answers, usage
 * replies and permissions every other platform gets. The descriptions come from the grammar's
 * own table, so `help` and Discord's command picker never drift apart.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { EVENT_KINDS, MAX_COST_DAYS, SUBCOMMANDS, type SubcommandName } from '../../bot/commands/grammar.ts';

export const COMMAND_NAME = 'deepclaw';

type OptionKind = 'instance' | 'target' | 'text' | 'days' | 'subcommand' | 'switch' | 'severity';

interface OptionSpec {
  name: string;
  description: string;
  kind: OptionKind;
  required?: boolean;
  /** Typed as `--<flag> <value>` rather than a positional word. */
  flag?: string;
}

const instance = (required: boolean): OptionSpec => ({ name: 'instance', description: 'the instance (type to search)', kind: 'instance', required });

/** Each subcommand's options, positionals in the grammar's order, then its `--` options. */
export const SUBCOMMAND_OPTIONS: Record<SubcommandName, OptionSpec[]> = {
  status: [instance(false)],
  instances: [],
  cost: [instance(false), { name: 'days', description: `days back, 1 to ${MAX_COST_DAYS} (default 7)`, kind: 'days' }],
  ack: [{ name: 'event', description: 'the event id, or its first 8 characters', kind: 'text', required: true }],
  help: [{ name: 'subcommand', description: 'one command in detail', kind: 'subcommand' }],
  dashboard: [],
  'rotate-token': [instance(true), { name: 'grace', description: 'how long the old token keeps working, like 15m (default: stops now)', kind: 'text', flag: 'grace' }],
  add: [
    { name: 'name', description: 'the new instance name, like my-vps', kind: 'text', required: true },
    { name: 'interval', description: 'how often its agent syncs, like 5m (default 5m)', kind: 'text', flag: 'interval' },
  ],
  revoke: [instance(true)],
  mute: [
    { name: 'target', description: 'an instance, or all', kind: 'target', required: true },
    { name: 'duration', description: 'for how long, like 1h or 2d', kind: 'text', required: true },
  ],
  unmute: [{ name: 'target', description: 'an instance, or all', kind: 'target', required: true }],
  subscribe: [
    { name: 'kinds', description: `some of: ${EVENT_KINDS.join(', ')} (default: every kind)`, kind: 'text' },
    { name: 'mention', description: 'a role to ping on opening alerts, like @on-call; off stops it (default: keep)', kind: 'text', flag: 'mention' },
    { name: 'severity', description: 'which opening alerts ping it (default critical)', kind: 'severity', flag: 'severity' },
  ],
  digest: [
    { name: 'schedule', description: 'daily 09:00, weekly mon 09:00, or off (the workspace time zone)', kind: 'text', required: true },
    { name: 'skip-quiet', description: 'send nothing on a day with nothing to say', kind: 'switch', flag: 'skip-quiet' },
  ],
  unsubscribe: [],
  threshold: [
    { name: 'action', description: 'set or list', kind: 'text', required: true },
    { name: 'name', description: 'the threshold, like budget.monthly (for set)', kind: 'text' },
    { name: 'value', description: 'its value, like 200, 15m or off (for set)', kind: 'text' },
    { name: 'instance', description: 'one instance (default: the whole workspace)', kind: 'instance', flag: 'instance' },
  ],
  link: [{ name: 'code', description: 'the code from deepclaw link-code, like ABCD-EFGH', kind: 'text', required: true }],
};

/** Options whose values are instance names, offered from the linked workspace as people type. */
export function isInstanceOption(subcommand: string, option: string): 'instance' | 'target' | undefined {
  const spec = SUBCOMMAND_OPTIONS[subcommand as SubcommandName]?.find((o) => o.name === option);
  return spec?.kind === 'instance' || spec?.kind === 'target' ? spec.kind : undefined;
}

/** Discord allows 100 characters of description. */
function describe(text: string): string {
  return text.length <= 100 ? text : `${text.slice(0, 99)}…`;
}

function toOption(spec: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name: spec.name, description: describe(spec.description), required: spec.required ?? false };
  switch (spec.kind) {
    case 'instance':
    case 'target':
      return { ...base, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 63 };
    case 'days':
      return { ...base, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: MAX_COST_DAYS };
    case 'subcommand':
      return { ...base, type: ApplicationCommandOptionType.String, choices: (Object.keys(SUBCOMMANDS) as SubcommandName[]).map((name) => ({ name, value: name })) };
    case 'text':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 200 };
    case 'switch':
      return { ...base, type: ApplicationCommandOptionType.Boolean };
    case 'severity':
      return { ...base, type: ApplicationCommandOptionType.String, choices: ['critical', 'warning'].map((name) => ({ name, value: name })) };
  }
}

/**
 * What `discord register` overwrites the application's commands with. No
 * `default_member_permissions`: Discord allows it only on a whole command, never on one
 * subcommand, and `/deepclaw status` is for everyone; admin subcommands are checked on the server
 * instead (docs/decisions.md, "Discord (issue 14)").
 */
export function commandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return [
    {
      name: COMMAND_NAME,
      type: ApplicationCommandType.ChatInput,
      description: 'DeepClaw: the status of your OpenClaw gateways, their alerts and sync tokens',
      // In servers, and in DMs with the bot; only as a bot installed in a server.
      contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
      integration_types: [ApplicationIntegrationType.GuildInstall],
      options: (Object.keys(SUBCOMMAND_OPTIONS) as SubcommandName[]).map((name) => ({
        type: ApplicationCommandOptionType.Subcommand,
        name,
        description: describe(SUBCOMMANDS[name].summary),
        options: SUBCOMMAND_OPTIONS[name].map(toOption),
      })),
    },
  ];
}

/**
 * The invocation as the grammar's words: `/deepclaw rotate-token instance:my-vps grace:15m`
 * becomes `rotate-token my-vps --grace 15m`. Values are passed as Discord gives them; the grammar
 * checks them and answers a mistake with its usage line.
 */
export function toCommandText(options: APIApplicationCommandInteractionDataOption[] | undefined): string {
  const subcommand = options?.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
  if (!subcommand || subcommand.type !== ApplicationCommandOptionType.Subcommand) return '';
  const given = new Map((subcommand.options ?? []).map((option) => [option.name, String((option as APIApplicationCommandInteractionDataBasicOption).value ?? '')]));
  const specs = SUBCOMMAND_OPTIONS[subcommand.name as SubcommandName] ?? [];
  const words = [subcommand.name];
  for (const spec of specs) {
    const value = given.get(spec.name)?.trim();
    if (!value) continue;
    if (spec.kind === 'switch') {
      if (value === 'true') words.push(`--${spec.flag}`);
    } else if (spec.flag) words.push(`--${spec.flag}`, value);
    else words.push(value);
  }
  return words.join(' ');
}

/** The subcommand and the option being typed in an autocomplete interaction. */
export function focusedOption(options: APIApplicationCommandInteractionDataOption[] | undefined): { subcommand: string; option: string; value: string } | undefined {
  const subcommand = options?.find((option) => option.type === ApplicationCommandOptionType.Subcommand);
  if (!subcommand || subcommand.type !== ApplicationCommandOptionType.Subcommand) return undefined;
  const focused = (subcommand.options ?? []).find((option) => 'focused' in option && option.focused);
  if (!focused) return undefined;
  return { subcommand: subcommand.name, option: focused.name, value: String((focused as { value?: unknown }).value ?? '') };
}

/** The subcommand named in an invocation (for choosing how to defer), if any. */
export function subcommandOf(options: APIApplicationCommandInteractionDataOption[] | undefined): string | undefined {
  return options?.find((option) => option.type === ApplicationCommandOptionType.Subcommand)?.name;
}
