/**
 * The one command grammar every chat platform shares: `/deepclaw <subcommand> [args]`. Parsed
 * once, here, into a typed command; a pure function of the text, so every platform (Slack's
 * slash-command text, Discord's options joined back into words, Telegram's message, the console)
 * gets the same answers to the same typing, and the table tests cover them all.
 */
import { DurationError, toSeconds } from '../duration.ts';
import type { EventKind } from '../events/decision.ts';
import { closeNames, didYouMean } from '../suggest.ts';
import { WEEKDAY_NAMES, type DigestSchedule } from '../digests/digest-schedule.ts';

export const EVENT_KINDS: readonly EventKind[] = ['stale', 'gateway-down', 'cron-failed', 'cron-missed', 'cost-drift', 'error-spike', 'security', 'budget'];

export type ParsedCommand =
  | { name: 'status'; instance?: string }
  | { name: 'rotate-token'; instance: string; graceSeconds?: number }
  | { name: 'add'; instance: string; intervalSeconds?: number }
  | { name: 'revoke'; instance: string }
  | { name: 'instances' }
  | { name: 'help'; topic?: SubcommandName }
  | { name: 'mute'; target: string; durationSeconds: number }
  | { name: 'unmute'; target: string }
  | { name: 'ack'; event: string }
  /**
   * `mention`: the target as typed (checked per platform by bot/subscriptions/mention-target.ts),
   * `off` to clear it, absent to keep what the channel had.
   */
  | { name: 'subscribe'; kinds: EventKind[] | null; mention?: string; mentionSeverity?: 'critical' | 'warning' }
  /** null: `digest off`. */
  | { name: 'digest'; schedule: DigestSchedule | null }
  | { name: 'unsubscribe' }
  | { name: 'link'; code: string }
  | { name: 'cost'; instance?: string; days: number }
  | { name: 'threshold'; action: 'set'; threshold: string; value: string; instance?: string }
  | { name: 'threshold'; action: 'list'; instance?: string }
  | { name: 'dashboard' };

export type SubcommandName = ParsedCommand['name'];

/** Who may run a subcommand: anyone in a linked chat, a DeepClaw admin, or the chat platform's own admins. */
export type Permission = 'anyone' | 'admin' | 'platform-admin';

export interface SubcommandSpec {
  usage: string;
  summary: string;
  permission: Permission;
  /**
   * Set on commands that answer the requester with a credential (a sync token): a platform without
   * ephemeral replies (Telegram) must be able to reach them privately before running it.
   */
  repliesWithSecret?: true;
}

/** The single source for `help`, usage errors, permissions and the docs' command table. */
export const SUBCOMMANDS: Record<SubcommandName, SubcommandSpec> = {
  status: { usage: '/deepclaw status [instance]', summary: 'the fleet at a glance, or one instance in detail', permission: 'anyone' },
  instances: { usage: '/deepclaw instances', summary: 'every instance with its sync interval and state', permission: 'anyone' },
  cost: { usage: '/deepclaw cost [instance] [days]', summary: 'spend per day (default 7 days, at most 90) and the top models', permission: 'anyone' },
  ack: { usage: '/deepclaw ack <event>', summary: 'acknowledge an open event (its id or first 8 characters); reminders stop', permission: 'anyone' },
  help: { usage: '/deepclaw help [subcommand]', summary: 'these commands', permission: 'anyone' },
  // A sign-in link is a credential for ten minutes: it goes only to the person asking.
  dashboard: { usage: '/deepclaw dashboard', summary: 'a one-time link (10 minutes) that signs you in to the web dashboard, sent only to you', permission: 'anyone', repliesWithSecret: true },
  'rotate-token': {
    usage: '/deepclaw rotate-token <instance> [--grace 15m]',
    summary: 'new sync token, sent only to you; the old one stops now or after the grace',
    permission: 'admin',
    repliesWithSecret: true,
  },
  add: { usage: '/deepclaw add <name> [--interval 5m]', summary: 'add an instance; its token and install steps are sent only to you', permission: 'admin', repliesWithSecret: true },
  revoke: { usage: '/deepclaw revoke <instance>', summary: "stop every working token of an instance at once", permission: 'admin' },
  mute: { usage: '/deepclaw mute <instance|all> <duration>', summary: 'hold back alerts for a while (like 1h or 2d); events still open and resolve', permission: 'admin' },
  unmute: { usage: '/deepclaw unmute <instance|all>', summary: 'send alerts again', permission: 'admin' },
  subscribe: {
    usage: '/deepclaw subscribe [kinds…] [--mention <who>|off] [--severity critical|warning]',
    summary: `this channel receives the workspace's alerts (all kinds, or some of: ${EVENT_KINDS.join(', ')}); --mention pings someone on opening alerts`,
    permission: 'admin',
  },
  digest: {
    usage: '/deepclaw digest <daily HH:MM | weekly <day> HH:MM | off> [--skip-quiet]',
    summary: "one message a day (or week) with spend, cron runs, events and silent instances, on the workspace's clock",
    permission: 'admin',
  },
  unsubscribe: { usage: '/deepclaw unsubscribe', summary: 'this channel stops receiving alerts', permission: 'admin' },
  threshold: {
    usage: '/deepclaw threshold set <name> <value|off> [--instance <name>] · threshold list [--instance <name>]',
    summary: 'alert thresholds for the workspace or one instance, like threshold set budget.monthly 200',
    permission: 'admin',
  },
  link: { usage: '/deepclaw link <code>', summary: 'attach this chat to a DeepClaw workspace with a code from `deepclaw link-code`', permission: 'platform-admin' },
};

const NAMES = Object.keys(SUBCOMMANDS) as SubcommandName[];

/** Longest mute and grace a chat command accepts; longer is almost surely a typo (`1000d`). */
export const MAX_MUTE_SECONDS = 90 * 86_400;
export const MAX_GRACE_SECONDS = 7 * 86_400;
export const DEFAULT_COST_DAYS = 7;
export const MAX_COST_DAYS = 90;

export interface UsageProblem {
  code: 'unknown_subcommand' | 'bad_arguments';
  /** What is wrong, in words; the usage line follows it. */
  message: string;
  subcommand?: SubcommandName;
  usage?: string;
  suggestions: string[];
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; problem: UsageProblem };

/**
 * Removes the command word when the platform leaves it in (`/deepclaw status`, Telegram's
 * `/deepclaw@deepclaw_bot status`); Slack already gives only the text after it.
 */
export function withoutCommandWord(text: string): string {
  return text.trim().replace(/^\/deepclaw(?:@\w+)?(?=\s|$)/i, '').trim();
}

export function parseCommand(text: string): ParseResult {
  const words = withoutCommandWord(text).split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first === undefined) return { ok: true, command: { name: 'help' } };
  const name = first.toLowerCase();
  if (!isSubcommand(name)) {
    return {
      ok: false,
      problem: {
        code: 'unknown_subcommand',
        message: `"${first.slice(0, 40)}" is not a DeepClaw command.${didYouMean(name, NAMES)}`,
        suggestions: closeNames(name, NAMES),
      },
    };
  }
  try {
    return { ok: true, command: PARSERS[name](splitOptions(rest)) };
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    return {
      ok: false,
      problem: { code: 'bad_arguments', message: error.message, subcommand: name, usage: SUBCOMMANDS[name].usage, suggestions: error.suggestions },
    };
  }
}

export function isSubcommand(name: string): name is SubcommandName {
  return Object.hasOwn(SUBCOMMANDS, name);
}

class ArgumentError extends Error {
  readonly suggestions: string[];
  constructor(message: string, suggestions: string[] = []) {
    super(message);
    this.suggestions = suggestions;
  }
}

interface Words {
  positionals: string[];
  options: Map<string, string>;
}

/** Options that are switches: present or not, no value (`--skip-quiet`). */
const SWITCHES = new Set(['skip-quiet']);

/** `--grace 15m` and `--grace=15m` both work; an option with no value is an error (switches take none). */
function splitOptions(words: string[]): Words {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('--')) {
      positionals.push(word);
      continue;
    }
    const [key, inline] = word.slice(2).split('=', 2) as [string, string | undefined];
    if (SWITCHES.has(key.toLowerCase()) && inline === undefined) {
      if (options.has(key.toLowerCase())) throw new ArgumentError(`--${key} is given twice.`);
      options.set(key.toLowerCase(), 'true');
      continue;
    }
    const value = inline ?? words[++i];
    if (!key || value === undefined || value === '') throw new ArgumentError(`${word} needs a value.`);
    if (options.has(key)) throw new ArgumentError(`--${key} is given twice.`);
    options.set(key.toLowerCase(), value);
  }
  return { positionals, options };
}

function expectOptions(words: Words, allowed: string[]): void {
  for (const key of words.options.keys()) {
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        allowed.length === 0 ? `this command takes no --${key} option.` : `unknown option --${key}; this command takes ${allowed.map((a) => `--${a}`).join(', ')}.`,
      );
    }
  }
}

function expectPositionals(words: Words, min: number, max: number, what: string): string[] {
  const { positionals } = words;
  if (positionals.length < min) throw new ArgumentError(`${what} is missing.`);
  if (positionals.length > max) throw new ArgumentError(`too many arguments: "${positionals.slice(max).join(' ').slice(0, 60)}".`);
  return positionals;
}

function duration(text: string, what: string, maxSeconds?: number): number {
  let seconds: number;
  try {
    seconds = toSeconds(text);
  } catch (error) {
    if (error instanceof DurationError) throw new ArgumentError(`${what}: ${error.message}.`);
    throw error;
  }
  if (maxSeconds !== undefined && seconds > maxSeconds) {
    throw new ArgumentError(`${what} can be at most ${maxSeconds / 86_400} days (got ${text}).`);
  }
  return seconds;
}

/** `09:00`, `9:00` or `17:30` on a 24-hour clock, as minutes after midnight. */
function timeOfDay(text: string): number {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!match) throw new ArgumentError(`"${text.slice(0, 40)}" is not a time of day; use 24-hour HH:MM, like 09:00 or 17:30 (the workspace's time zone).`);
  return Number(match[1]) * 60 + Number(match[2]);
}

const PARSERS: { [K in SubcommandName]: (words: Words) => Extract<ParsedCommand, { name: K }> } = {
  status(words) {
    expectOptions(words, []);
    const [instance] = expectPositionals(words, 0, 1, 'the instance name');
    return { name: 'status', ...(instance ? { instance } : {}) };
  },
  instances(words) {
    expectOptions(words, []);
    expectPositionals(words, 0, 0, '');
    return { name: 'instances' };
  },
  help(words) {
    expectOptions(words, []);
    const [topic] = expectPositionals(words, 0, 1, 'the subcommand');
    if (topic === undefined) return { name: 'help' };
    const lowered = topic.toLowerCase();
    if (!isSubcommand(lowered)) throw new ArgumentError(`"${topic.slice(0, 40)}" is not a DeepClaw command.${didYouMean(lowered, NAMES)}`, closeNames(lowered, NAMES));
    return { name: 'help', topic: lowered };
  },
  'rotate-token'(words) {
    expectOptions(words, ['grace']);
    const [instance] = expectPositionals(words, 1, 1, 'the instance name');
    const grace = words.options.get('grace');
    return { name: 'rotate-token', instance: instance!, ...(grace ? { graceSeconds: duration(grace, '--grace', MAX_GRACE_SECONDS) } : {}) };
  },
  add(words) {
    expectOptions(words, ['interval']);
    const [instance] = expectPositionals(words, 1, 1, 'the new instance name');
    const interval = words.options.get('interval');
    return { name: 'add', instance: instance!, ...(interval ? { intervalSeconds: duration(interval, '--interval') } : {}) };
  },
  revoke(words) {
    expectOptions(words, []);
    const [instance] = expectPositionals(words, 1, 1, 'the instance name');
    return { name: 'revoke', instance: instance! };
  },
  mute(words) {
    expectOptions(words, []);
    const [target, time] = expectPositionals(words, 2, 2, words.positionals.length === 0 ? 'the instance (or all)' : 'the duration (like 1h)');
    return { name: 'mute', target: target!, durationSeconds: duration(time!, 'the duration', MAX_MUTE_SECONDS) };
  },
  unmute(words) {
    expectOptions(words, []);
    const [target] = expectPositionals(words, 1, 1, 'the instance (or all)');
    return { name: 'unmute', target: target! };
  },
  ack(words) {
    expectOptions(words, []);
    const [event] = expectPositionals(words, 1, 1, 'the event id');
    if (!/^[0-9a-f-]{6,36}$/i.test(event!)) {
      throw new ArgumentError(`"${event!.slice(0, 40)}" is not an event id; use the id shown with the alert or in /deepclaw status <instance> (at least its first 6 characters).`);
    }
    return { name: 'ack', event: event!.toLowerCase() };
  },
  subscribe(words) {
    expectOptions(words, ['mention', 'severity']);
    const kinds = words.positionals.flatMap((word) => word.split(',')).filter(Boolean).map((kind) => kind.toLowerCase());
    for (const kind of kinds) {
      if (!(EVENT_KINDS as readonly string[]).includes(kind)) {
        throw new ArgumentError(`"${kind.slice(0, 40)}" is not an alert kind.${didYouMean(kind, EVENT_KINDS)} Kinds: ${EVENT_KINDS.join(', ')}.`, closeNames(kind, EVENT_KINDS));
      }
    }
    const mention = words.options.get('mention');
    const severity = words.options.get('severity')?.toLowerCase();
    if (severity !== undefined && mention === undefined) throw new ArgumentError('--severity says which alerts carry the mention; give it with --mention.');
    if (severity !== undefined && severity !== 'critical' && severity !== 'warning') {
      throw new ArgumentError(`--severity is critical or warning (warning: warnings and criticals carry the mention), not "${severity.slice(0, 40)}".`);
    }
    return {
      name: 'subscribe',
      kinds: kinds.length === 0 ? null : ([...new Set(kinds)] as EventKind[]),
      ...(mention !== undefined ? { mention } : {}),
      ...(severity !== undefined ? { mentionSeverity: severity } : {}),
    };
  },
  digest(words) {
    expectOptions(words, ['skip-quiet']);
    const [cadence, ...rest] = words.positionals.map((word) => word.toLowerCase());
    const skipQuiet = words.options.has('skip-quiet');
    if (cadence === undefined) throw new ArgumentError('say when: daily 09:00, weekly mon 09:00, or off.');
    if (cadence === 'off') {
      if (rest.length > 0 || skipQuiet) throw new ArgumentError('digest off takes nothing more.');
      return { name: 'digest', schedule: null };
    }
    if (cadence === 'daily') {
      if (rest.length !== 1) throw new ArgumentError('a daily digest needs its time, like: digest daily 09:00');
      return { name: 'digest', schedule: { cadence: 'daily', minuteOfDay: timeOfDay(rest[0]!), skipQuiet } };
    }
    if (cadence === 'weekly') {
      if (rest.length !== 2) throw new ArgumentError('a weekly digest needs its day and time, like: digest weekly mon 09:00');
      const weekday = WEEKDAY_NAMES.findIndex((name) => rest[0]!.startsWith(name));
      if (weekday < 0) throw new ArgumentError(`"${rest[0]!.slice(0, 40)}" is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.`);
      return { name: 'digest', schedule: { cadence: 'weekly', weekday, minuteOfDay: timeOfDay(rest[1]!), skipQuiet } };
    }
    throw new ArgumentError(`"${cadence.slice(0, 40)}" is not daily, weekly or off.${didYouMean(cadence, ['daily', 'weekly', 'off'])}`, closeNames(cadence, ['daily', 'weekly', 'off']));
  },
  unsubscribe(words) {
    expectOptions(words, []);
    expectPositionals(words, 0, 0, '');
    return { name: 'unsubscribe' };
  },
  link(words) {
    expectOptions(words, []);
    // People paste `ABCD EFGH` with a space as often as `ABCD-EFGH`.
    if (words.positionals.length === 0) throw new ArgumentError('the link code is missing.');
    const code = words.positionals.join('');
    if (!/^[0-9a-z-]{8,9}$/i.test(code) || code.replace(/-/g, '').length !== 8) {
      throw new ArgumentError('a link code is 8 letters and digits, like ABCD-EFGH; an admin prints one with: deepclaw link-code');
    }
    return { name: 'link', code };
  },
  threshold(words) {
    expectOptions(words, ['instance']);
    const instance = words.options.get('instance');
    const scope = instance ? { instance } : {};
    const action = words.positionals[0]?.toLowerCase();
    if (action === 'list') {
      expectPositionals(words, 1, 1, '');
      return { name: 'threshold', action: 'list', ...scope };
    }
    if (action !== 'set') throw new ArgumentError(words.positionals[0] ? `"${words.positionals[0].slice(0, 40)}" is neither set nor list.` : 'set or list is missing.');
    const [, threshold, value] = expectPositionals(words, 3, 3, words.positionals.length < 2 ? 'the threshold name (like budget.monthly)' : 'the value (like 200, or off)');
    return { name: 'threshold', action: 'set', threshold: threshold!.toLowerCase(), value: value!, ...scope };
  },
  dashboard(words) {
    expectOptions(words, []);
    expectPositionals(words, 0, 0, '');
    return { name: 'dashboard' };
  },
  cost(words) {
    expectOptions(words, []);
    const [first, second] = expectPositionals(words, 0, 2, '');
    // A lone number is the days, not an instance called "7": names like that are unlikely, and
    // `cost 7 7` still reaches one.
    const isDays = (word: string | undefined) => word !== undefined && /^\d+d?$/i.test(word);
    let instance: string | undefined;
    let daysText: string | undefined;
    if (second !== undefined) {
      instance = first;
      daysText = second;
      if (!isDays(second)) throw new ArgumentError(`"${second.slice(0, 40)}" is not a number of days (like 7 or 30d).`);
    } else if (isDays(first)) {
      daysText = first;
    } else {
      instance = first;
    }
    const days = daysText === undefined ? DEFAULT_COST_DAYS : Number(daysText.replace(/d$/i, ''));
    if (days < 1 || days > MAX_COST_DAYS) throw new ArgumentError(`days must be from 1 to ${MAX_COST_DAYS} (got ${daysText}).`);
    return { name: 'cost', ...(instance ? { instance } : {}), days };
  },
};
