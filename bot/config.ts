/**
 * The one place that reads the environment. Everything else receives a typed {@link Config}.
 * Every variable, its default and an example are listed in README.md ("Configuration") and in
 * .env.example.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseAdminAllowlist } from './commands/admin-allowlist.ts';
import { DurationError, toSeconds } from './duration.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const CONSOLE_ALERTS = ['stdout', 'stderr', 'off'] as const;
const DISCORD_TRANSPORTS = ['http', 'gateway'] as const;
const TELEGRAM_TRANSPORTS = ['webhook', 'polling'] as const;

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`))
    .default(fallback);

/** A duration in seconds, or an issue on `ctx` saying what is expected. */
function secondsOrIssue(value: string, ctx: z.RefinementCtx, message: string): number {
  try {
    return toSeconds(value);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
}

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => secondsOrIssue(value, ctx, 'expected a duration like 30s, 5m or 1h'));

/** Like `duration`, and `0s` (or `0`) for "not at all". */
const durationOrNone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => (/^0+[smhd]?$/.test(value.trim()) ? 0 : secondsOrIssue(value, ctx, 'expected a duration like 30s, 5m or 1h, or 0s for none')));

/** Unset means "use the built-in behaviour" (so there is no default to show). */
const optionalDuration = (message: string) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => (value === undefined ? undefined : secondsOrIssue(value, ctx, message)));

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .transform((value) => value === 'true' || value === '1' || value === 'yes')
    .default(fallback);

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a URL like postgres://user:password@host:5432/database');

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected an http(s) URL like https://deepclaw.example.com');

const environmentSchema = z.object({
  PORT: integer(0, 65_535, 3000),
  HOST: z.string().trim().min(1, 'expected a host name or address').default('127.0.0.1'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: integer(1, 200, 10),
  DATABASE_STATEMENT_TIMEOUT: duration('5s'),
  DEEPCLAW_DATA_DIR: z.string().trim().min(1, 'expected a directory path').default('./.deepclaw'),
  DEEPCLAW_MIGRATE_ON_START: flag(true),
  DEEPCLAW_SHUTDOWN_TIMEOUT: duration('10s'),
  DEEPCLAW_RATE_LIMIT_BURST: integer(1, 10_000, 6),
  DEEPCLAW_RATE_LIMIT_REFILL: duration('10s'),
  DEEPCLAW_INGEST_TIMEOUT: duration('10s'),
  DEEPCLAW_AUTH_FAILURE_BURST: integer(1, 100_000, 20),
  DEEPCLAW_AUTH_FAILURE_REFILL: duration('6s'),
  DEEPCLAW_TRUST_PROXY: flag(false),
  DEEPCLAW_SNAPSHOT_RETENTION_DAYS: integer(1, 3650, 14),
  DEEPCLAW_WEB_PROCESSES: integer(1, 64, 1),
  DEEPCLAW_WORKER_PORT: z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a port number from 0 to 65535')
    .transform(Number)
    .pipe(z.number().int().max(65_535, 'expected a port number from 0 to 65535'))
    .optional(),
  DEEPCLAW_CONSOLE_ALERTS: z.enum(CONSOLE_ALERTS, { error: `expected one of ${CONSOLE_ALERTS.join(', ')}` }).optional(),
  DEEPCLAW_TICK: duration('5s').refine(
    (seconds) => (seconds < 60 && 60 % seconds === 0) || (seconds % 60 === 0 && seconds < 3600 && 3600 % seconds === 0),
    'expected a tick that divides a minute or an hour evenly, like 5s, 30s or 5m',
  ),
  DEEPCLAW_REMINDER_EVERY: optionalDuration('expected a duration like 4h'),
  DEEPCLAW_STALE_GRACE: optionalDuration('expected a duration like 30s, 5m or 1h'),
  DEEPCLAW_GROUP_WAIT: durationOrNone('30s'),
  DEEPCLAW_GROUP_INTERVAL: durationOrNone('5m'),
  DEEPCLAW_HELD_SETTLE: durationOrNone('2m'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DEEPCLAW_PUBLIC_URL: httpUrl.optional(),
  DEEPCLAW_ADMINS: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseAdminAllowlist(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  SLACK_BOT_TOKEN: z.string().trim().startsWith('xoxb-', 'expected a bot token starting with xoxb- (OAuth & Permissions in the Slack app settings)').optional(),
  SLACK_SIGNING_SECRET: z.string().trim().regex(/^\S{16,}$/, 'expected the signing secret from the Slack app\'s Basic Information page').optional(),
  SLACK_APP_TOKEN: z.string().trim().startsWith('xapp-', 'expected an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)').optional(),
  SLACK_API_URL: httpUrl.default('https://slack.com/api/'),
  DISCORD_APPLICATION_ID: z.string().trim().regex(/^\d{17,20}$/, 'expected the application id, 17 to 20 digits (General Information in the Discord developer portal)').optional(),
  DISCORD_PUBLIC_KEY: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'expected the public key, 64 hex characters (General Information in the Discord developer portal)')
    .transform((value) => value.toLowerCase())
    .optional(),
  DISCORD_BOT_TOKEN: z.string().trim().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'expected the bot token, three dot-separated parts (Bot > Reset Token in the Discord developer portal)').optional(),
  DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
  DISCORD_TRANSPORT: z.enum(DISCORD_TRANSPORTS, { error: `expected one of ${DISCORD_TRANSPORTS.join(', ')}` }).default('http'),
  TELEGRAM_BOT_TOKEN: z.string().trim().regex(/^\d{1,20}:[A-Za-z0-9_-]{30,100}$/, 'expected the token BotFather gave, like 123456789:AAH… (BotFather > /mybots > API Token)').optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'expected 16 to 256 letters, digits, _ or - (Telegram\'s rule; `deepclaw telegram set-webhook` generates one)')
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  TELEGRAM_TRANSPORT: z.enum(TELEGRAM_TRANSPORTS, { error: `expected one of ${TELEGRAM_TRANSPORTS.join(', ')}` }).default('webhook'),
});

/** Every variable {@link loadConfig} reads; .env.example must list each (bot/config.test.ts). */
export const ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/** Never echoed in a configuration error: they are credentials (or may carry one). */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_BOT_TOKEN', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']);

export type LogLevel = (typeof LOG_LEVELS)[number];
export type ConsoleAlerts = (typeof CONSOLE_ALERTS)[number];

export interface DatabaseConfig {
  /** Unset means the embedded Postgres (PGlite) under `dataDir`. */
  url?: string;
  poolSize: number;
  statementTimeoutMs: number;
  migrateOnStart: boolean;
}

export interface Config {
  http: { port: number; host: string };
  database: DatabaseConfig;
  /** Absolute path; holds the embedded database and its lock. */
  dataDir: string;
  shutdownTimeoutMs: number;
  ingest: {
    /** Snapshots a token may send at once, and the seconds it takes to earn one more. */
    rateLimitBurst: number;
    rateLimitRefillSeconds: number;
    requestTimeoutMs: number;
    /**
     * Refused sync tokens one client address may send at once, and the seconds it takes to earn one
     * more; past that, requests from it must carry a working token (default 20, one per 6 s).
     */
    authFailureBurst: number;
    authFailureRefillSeconds: number;
  };
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it; default off). */
  trustProxy: boolean;
  snapshotRetentionDays: number;
  /** Processes sharing the port in `--role web` (needs DATABASE_URL when above 1). */
  webProcesses: number;
  /** `--role worker` serves /healthz, /readyz and /metrics on this port; unset: no HTTP. */
  workerPort?: number;
  /**
   * Where alerts print on the console: unset means the terminal of `npm start` (stdout when it
   * is a TTY, else nowhere, so alerts never mix into JSON logs); see adapters/console/alert-output.ts.
   */
  consoleAlerts?: ConsoleAlerts;
  events: {
    /** The scheduler's base tick. */
    tickSeconds: number;
    /** Replaces every instance's default stale grace of max(interval, 5 min). */
    staleGraceSeconds?: number;
    /** Remind about open, unacknowledged events this often; unset = no reminders. */
    reminderEverySeconds?: number;
    /** One message per instance's trouble (bot/notifications/incidents.ts). */
    grouping: {
      /** An incident's message waits this long after its first problem, so a burst arrives whole. */
      waitSeconds: number;
      /** The least time between two replies about problems that joined an incident later. */
      intervalSeconds: number;
      /** After a cause resolves, what it held back and is still open is paged after this long. */
      settleSeconds: number;
    };
  };
  logLevel: LogLevel;
  /** Where people and agents reach this service (install instructions name it); default http://HOST:PORT. */
  publicUrl: string;
  /** `DEEPCLAW_ADMINS`: `platform:userId` pairs who are admins in chat besides the platforms' own admins. */
  chatAdmins: ReadonlySet<string>;
  /** Set when SLACK_BOT_TOKEN is: Socket Mode when appToken is set, else HTTP events at /slack/events. */
  slack?: SlackConfig;
  /** Set when DISCORD_BOT_TOKEN is: HTTP interactions at /discord/interactions, or the gateway. */
  discord?: DiscordConfig;
  /** Set when TELEGRAM_BOT_TOKEN is: the webhook at /telegram/webhook, or long polling on the leader worker. */
  telegram?: TelegramConfig;
}

export interface DiscordConfig {
  applicationId: string;
  /** Verifies HTTP interactions (Ed25519, lower-case hex); needed for the HTTP transport only. */
  publicKey?: string;
  botToken: string;
  /** REST base without the version and without a trailing `/` (default https://discord.com/api). */
  apiUrl: string;
  /** `http`: Discord POSTs interactions to us; `gateway`: the leader worker holds a gateway connection. */
  transport: (typeof DISCORD_TRANSPORTS)[number];
}

export interface TelegramConfig {
  /** Part of every Bot API URL: never log it (adapters/telegram/redact-token.ts). */
  botToken: string;
  /** Checked against X-Telegram-Bot-Api-Secret-Token; needed for the webhook, unused when polling. */
  webhookSecret?: string;
  /** Bot API base URL without a trailing `/` (default https://api.telegram.org; tests use a fake). */
  apiRoot: string;
  transport: (typeof TELEGRAM_TRANSPORTS)[number];
}

export interface SlackConfig {
  botToken: string;
  /** Verifies HTTP requests; unused in Socket Mode. */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  /** Base URL of the Web API, ending in `/`. */
  apiUrl: string;
}

/** Thrown with one line per bad variable; `bot/main.ts` prints them and exits 2. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads and validates the environment. Empty strings count as unset, as most shells mean them. */
export function loadConfig(env: NodeJS.ProcessEnv, cwd = process.cwd()): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const given = present[name];
        // Never echo a credential (DATABASE_URL may carry a password).
        const shown = given === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got "${given}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.DEEPCLAW_WEB_PROCESSES > 1 && !e.DATABASE_URL) {
    // The embedded database belongs to exactly one process.
    throw new ConfigError(['DEEPCLAW_WEB_PROCESSES: more than 1 needs DATABASE_URL (the embedded database serves one process)']);
  }
  const slackProblems = [
    ...(!e.SLACK_BOT_TOKEN && (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) ? ['SLACK_BOT_TOKEN: needed with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (the bot posts with it)'] : []),
    ...(e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN
      ? ['SLACK_SIGNING_SECRET: needed with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)']
      : []),
  ];
  if (slackProblems.length > 0) throw new ConfigError(slackProblems);
  const discordSet = Boolean(e.DISCORD_BOT_TOKEN || e.DISCORD_APPLICATION_ID || e.DISCORD_PUBLIC_KEY);
  const discordProblems = discordSet
    ? [
        ...(!e.DISCORD_BOT_TOKEN ? ['DISCORD_BOT_TOKEN: needed with the other DISCORD_ variables (the bot posts alerts with it)'] : []),
        ...(!e.DISCORD_APPLICATION_ID ? ['DISCORD_APPLICATION_ID: needed with DISCORD_BOT_TOKEN (replies and command registration name the application)'] : []),
        ...(e.DISCORD_TRANSPORT === 'http' && !e.DISCORD_PUBLIC_KEY
          ? ['DISCORD_PUBLIC_KEY: needed for DISCORD_TRANSPORT=http, to verify interactions (or set DISCORD_TRANSPORT=gateway)']
          : []),
      ]
    : [];
  if (discordProblems.length > 0) throw new ConfigError(discordProblems);
  if (!e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(['TELEGRAM_BOT_TOKEN: needed with TELEGRAM_WEBHOOK_SECRET (the bot answers and posts with it; BotFather gives it)']);
  }
  return {
    http: { port: e.PORT, host: e.HOST },
    database: {
      url: e.DATABASE_URL,
      poolSize: e.DATABASE_POOL_SIZE,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT * 1000,
      migrateOnStart: e.DEEPCLAW_MIGRATE_ON_START,
    },
    dataDir: resolve(cwd, e.DEEPCLAW_DATA_DIR),
    shutdownTimeoutMs: e.DEEPCLAW_SHUTDOWN_TIMEOUT * 1000,
    ingest: {
      rateLimitBurst: e.DEEPCLAW_RATE_LIMIT_BURST,
      rateLimitRefillSeconds: e.DEEPCLAW_RATE_LIMIT_REFILL,
      requestTimeoutMs: e.DEEPCLAW_INGEST_TIMEOUT * 1000,
      authFailureBurst: e.DEEPCLAW_AUTH_FAILURE_BURST,
      authFailureRefillSeconds: e.DEEPCLAW_AUTH_FAILURE_REFILL,
    },
    trustProxy: e.DEEPCLAW_TRUST_PROXY,
    snapshotRetentionDays: e.DEEPCLAW_SNAPSHOT_RETENTION_DAYS,
    webProcesses: e.DEEPCLAW_WEB_PROCESSES,
    workerPort: e.DEEPCLAW_WORKER_PORT,
    consoleAlerts: e.DEEPCLAW_CONSOLE_ALERTS,
    events: {
      tickSeconds: e.DEEPCLAW_TICK,
      staleGraceSeconds: e.DEEPCLAW_STALE_GRACE,
      reminderEverySeconds: e.DEEPCLAW_REMINDER_EVERY,
      grouping: { waitSeconds: e.DEEPCLAW_GROUP_WAIT, intervalSeconds: e.DEEPCLAW_GROUP_INTERVAL, settleSeconds: e.DEEPCLAW_HELD_SETTLE },
    },
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.DEEPCLAW_PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    chatAdmins: e.DEEPCLAW_ADMINS ?? new Set(),
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
        }
      : undefined,
    discord:
      e.DISCORD_BOT_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            applicationId: e.DISCORD_APPLICATION_ID,
            publicKey: e.DISCORD_PUBLIC_KEY,
            botToken: e.DISCORD_BOT_TOKEN,
            apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
            transport: e.DISCORD_TRANSPORT,
          }
        : undefined,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { botToken: e.TELEGRAM_BOT_TOKEN, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''), transport: e.TELEGRAM_TRANSPORT }
      : undefined,
  };
}

/**
 * The environment plus an optional `.env` file in `cwd`. Variables already set win over the file,
 * so a deployment can always override what a developer left in `.env`.
 */
export function environmentWithDotenv(env: NodeJS.ProcessEnv, cwd = process.cwd()): NodeJS.ProcessEnv {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return env;
  return { ...parseEnv(readFileSync(file, 'utf8')), ...env };
}
