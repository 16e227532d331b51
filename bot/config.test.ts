import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ENVIRONMENT_VARIABLES, environmentWithDotenv, loadConfig } from './config.ts';

const ROOT = new URL('..', import.meta.url);
const EXAMPLE = readFileSync(new URL('.env.example', ROOT), 'utf8').split('\n');
/** `# NAME=value` or `NAME=value`: a variable line of .env.example. */
const VARIABLE_LINE = /^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$/;
const listed = () => EXAMPLE.map((line) => VARIABLE_LINE.exec(line)).filter((match) => match !== null);

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, '/srv/deepclaw');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has working defaults for everything', () => {
    const config = loadConfig({}, '/srv/deepclaw');
    expect(config).toEqual({
      http: { port: 3000, host: '127.0.0.1' },
      database: { url: undefined, poolSize: 10, statementTimeoutMs: 5000, migrateOnStart: true },
      dataDir: '/srv/deepclaw/.deepclaw',
      shutdownTimeoutMs: 10_000,
      ingest: { rateLimitBurst: 6, rateLimitRefillSeconds: 10, requestTimeoutMs: 10_000, authFailureBurst: 20, authFailureRefillSeconds: 6 },
      trustProxy: false,
      snapshotRetentionDays: 14,
      webProcesses: 1,
      events: { tickSeconds: 5, staleGraceSeconds: undefined, reminderEverySeconds: undefined, grouping: { waitSeconds: 30, intervalSeconds: 300, settleSeconds: 120 } },
      logLevel: 'info',
      publicUrl: 'http://127.0.0.1:3000',
      chatAdmins: new Set(),
      slack: undefined,
    });
  });

  it('reads Slack in HTTP mode, Socket Mode, and the chat admin allowlist', () => {
    const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924', DEEPCLAW_PUBLIC_URL: 'https://deepclaw.example.com/' }, '/srv');
    expect(http.slack).toEqual({ botToken: 'xoxb-1-2-abc', signingSecret: 'e3b0c44298fc1c149afbf4c8996fb924', appToken: undefined, apiUrl: 'https://slack.com/api/' });
    expect(http.publicUrl).toBe('https://deepclaw.example.com');
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A1-abc', SLACK_API_URL: 'http://127.0.0.1:9/api' }, '/srv');
    expect(socket.slack).toMatchObject({ appToken: 'xapp-1-A1-abc', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(loadConfig({ DEEPCLAW_ADMINS: 'slack:U0123ABC, discord:80351110224678912' }, '/srv').chatAdmins).toEqual(new Set(['slack:U0123ABC', 'discord:80351110224678912']));
  });

  it('refuses incomplete or mistyped Slack settings without echoing a secret', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc' })).toEqual([
      'SLACK_SIGNING_SECRET: needed with SLACK_BOT_TOKEN for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
    expect(problemsOf({ SLACK_SIGNING_SECRET: 'e3b0c44298fc1c149afbf4c8996fb924' })).toEqual([
      'SLACK_BOT_TOKEN: needed with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (the bot posts with it)',
    ]);
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token-secret', SLACK_APP_TOKEN: 'secret-app-token' });
    expect(problems).toEqual([
      'SLACK_BOT_TOKEN: expected a bot token starting with xoxb- (OAuth & Permissions in the Slack app settings)',
      'SLACK_APP_TOKEN: expected an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)',
    ]);
    expect(problemsOf({ DEEPCLAW_ADMINS: 'U0123ABC' })).toEqual([
      'DEEPCLAW_ADMINS: "U0123ABC" is not platform:userId (like slack:U0123ABC or discord:80351110224678912); platforms: slack, discord, telegram, console (got "U0123ABC")',
    ]);
  });

  it('reads Discord over HTTP interactions or the gateway', () => {
    const http = loadConfig(
      { DISCORD_BOT_TOKEN: 'MTIz.abc-def.ghi_jkl', DISCORD_APPLICATION_ID: '112233445566778899', DISCORD_PUBLIC_KEY: 'AB'.repeat(32) },
      '/srv',
    );
    expect(http.discord).toEqual({
      applicationId: '112233445566778899',
      publicKey: 'ab'.repeat(32),
      botToken: 'MTIz.abc-def.ghi_jkl',
      apiUrl: 'https://discord.com/api',
      transport: 'http',
    });
    const gateway = loadConfig(
      { DISCORD_BOT_TOKEN: 'MTIz.abc-def.ghi_jkl', DISCORD_APPLICATION_ID: '112233445566778899', DISCORD_TRANSPORT: 'gateway', DISCORD_API_URL: 'http://127.0.0.1:9/api/' },
      '/srv',
    );
    expect(gateway.discord).toMatchObject({ transport: 'gateway', publicKey: undefined, apiUrl: 'http://127.0.0.1:9/api' });
  });

  it('refuses incomplete or mistyped Discord settings with one line each, never echoing the bot token', () => {
    expect(problemsOf({ DISCORD_BOT_TOKEN: 'MTIz.abc-def.ghi_jkl' })).toEqual([
      'DISCORD_APPLICATION_ID: needed with DISCORD_BOT_TOKEN (replies and command registration name the application)',
      'DISCORD_PUBLIC_KEY: needed for DISCORD_TRANSPORT=http, to verify interactions (or set DISCORD_TRANSPORT=gateway)',
    ]);
    expect(problemsOf({ DISCORD_APPLICATION_ID: '112233445566778899', DISCORD_TRANSPORT: 'gateway' })).toEqual([
      'DISCORD_BOT_TOKEN: needed with the other DISCORD_ variables (the bot posts alerts with it)',
    ]);
    const problems = problemsOf({ DISCORD_BOT_TOKEN: 'not-a-bot-token-secret', DISCORD_APPLICATION_ID: 'deepclaw', DISCORD_PUBLIC_KEY: 'xyz', DISCORD_TRANSPORT: 'websocket' });
    expect(problems).toEqual([
      'DISCORD_APPLICATION_ID: expected the application id, 17 to 20 digits (General Information in the Discord developer portal) (got "deepclaw")',
      'DISCORD_PUBLIC_KEY: expected the public key, 64 hex characters (General Information in the Discord developer portal) (got "xyz")',
      'DISCORD_BOT_TOKEN: expected the bot token, three dot-separated parts (Bot > Reset Token in the Discord developer portal)',
      'DISCORD_TRANSPORT: expected one of http, gateway (got "websocket")',
    ]);
    expect(problems.join('\n')).not.toContain('not-a-bot-token-secret');
  });

  it('reads Telegram, and refuses mistyped Telegram settings in one line each without echoing a secret', () => {
    const token = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token }, '/srv').telegram).toEqual({ botToken: token, webhookSecret: undefined, apiRoot: 'https://api.telegram.org', transport: 'webhook' });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_TRANSPORT: 'polling', TELEGRAM_API_ROOT: 'http://127.0.0.1:9/' }, '/srv').telegram).toMatchObject({
      apiRoot: 'http://127.0.0.1:9',
      transport: 'polling',
    });
    const problems = problemsOf({ TELEGRAM_BOT_TOKEN: 'xoxb-not-telegram', TELEGRAM_WEBHOOK_SECRET: 'has spaces in it!', TELEGRAM_TRANSPORT: 'socket' });
    expect(problems).toEqual([
      'TELEGRAM_BOT_TOKEN: expected the token BotFather gave, like 123456789:AAH… (BotFather > /mybots > API Token)',
      "TELEGRAM_WEBHOOK_SECRET: expected 16 to 256 letters, digits, _ or - (Telegram's rule; `deepclaw telegram set-webhook` generates one)",
      'TELEGRAM_TRANSPORT: expected one of webhook, polling (got "socket")',
    ]);
    expect(problemsOf({ TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(32) })).toEqual([
      'TELEGRAM_BOT_TOKEN: needed with TELEGRAM_WEBHOOK_SECRET (the bot answers and posts with it; BotFather gives it)',
    ]);
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        DATABASE_URL: 'postgres://deepclaw:pw@db:5432/deepclaw',
        DATABASE_POOL_SIZE: '20',
        DATABASE_STATEMENT_TIMEOUT: '30s',
        DEEPCLAW_DATA_DIR: '/var/lib/deepclaw',
        DEEPCLAW_MIGRATE_ON_START: 'false',
        DEEPCLAW_SHUTDOWN_TIMEOUT: '20s',
        LOG_LEVEL: 'debug',
      },
      '/srv',
    );
    expect(config.http).toEqual({ port: 8080, host: '0.0.0.0' });
    expect(config.database).toEqual({ url: 'postgres://deepclaw:pw@db:5432/deepclaw', poolSize: 20, statementTimeoutMs: 30_000, migrateOnStart: false });
    expect(config.dataDir).toBe('/var/lib/deepclaw');
    expect(config.shutdownTimeoutMs).toBe(20_000);
    expect(config.logLevel).toBe('debug');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }, '/srv').http.port).toBe(3000);
  });

  it('names each bad variable on its own line, with what it expects and what it got', () => {
    const problems = problemsOf({ PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_POOL_SIZE: '0', DEEPCLAW_MIGRATE_ON_START: 'maybe', DATABASE_STATEMENT_TIMEOUT: 'soon' });
    expect(problems).toHaveLength(5);
    expect(problems).toContain('PORT: expected a whole number from 0 to 65535 (got "abc")');
    expect(problems).toContain('LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    expect(problems).toContain('DATABASE_POOL_SIZE: expected at least 1 (got "0")');
    expect(problems).toContain('DEEPCLAW_MIGRATE_ON_START: expected true or false (got "maybe")');
    expect(problems).toContain('DATABASE_STATEMENT_TIMEOUT: expected a duration like 30s, 5m or 1h (got "soon")');
  });

  it('refuses several web processes on the embedded database', () => {
    expect(problemsOf({ DEEPCLAW_WEB_PROCESSES: '2' })).toEqual([
      'DEEPCLAW_WEB_PROCESSES: more than 1 needs DATABASE_URL (the embedded database serves one process)',
    ]);
    expect(loadConfig({ DEEPCLAW_WEB_PROCESSES: '2', DATABASE_URL: 'postgres://db/x' }, '/srv').webProcesses).toBe(2);
  });

  it('reads the tick and a stale grace override as durations', () => {
    expect(loadConfig({ DEEPCLAW_TICK: '2s', DEEPCLAW_STALE_GRACE: '30s', DEEPCLAW_REMINDER_EVERY: '4h', DEEPCLAW_GROUP_WAIT: '0s', DEEPCLAW_GROUP_INTERVAL: '10m' }, '/srv').events).toEqual({
      tickSeconds: 2,
      staleGraceSeconds: 30,
      reminderEverySeconds: 14_400,
      grouping: { waitSeconds: 0, intervalSeconds: 600, settleSeconds: 120 },
    });
    expect(problemsOf({ DEEPCLAW_GROUP_WAIT: 'a bit' })).toEqual(['DEEPCLAW_GROUP_WAIT: expected a duration like 30s, 5m or 1h, or 0s for none (got "a bit")']);
    expect(problemsOf({ DEEPCLAW_STALE_GRACE: 'soon' })).toEqual(['DEEPCLAW_STALE_GRACE: expected a duration like 30s, 5m or 1h (got "soon")']);
    expect(problemsOf({ DEEPCLAW_TICK: '7s' })).toEqual(['DEEPCLAW_TICK: expected a tick that divides a minute or an hour evenly, like 5s, 30s or 5m (got "7s")']);
  });

  it('refuses a port out of range', () => {
    expect(problemsOf({ PORT: '70000' })).toEqual(['PORT: expected at most 65535 (got "70000")']);
  });

  it('refuses a DATABASE_URL that is not Postgres, without echoing it (it may hold a password)', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(problems).toEqual(['DATABASE_URL: expected a URL like postgres://user:password@host:5432/database']);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('fills unset variables from .env, while the real environment wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepclaw-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=4000\nLOG_LEVEL=warn\n');
    const env = environmentWithDotenv({ PORT: '5000' }, dir);
    expect(loadConfig(env, dir).http.port).toBe(5000);
    expect(loadConfig(env, dir).logLevel).toBe('warn');
  });

  it('works without a .env file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deepclaw-env-'));
    expect(environmentWithDotenv({ PORT: '5000' }, dir)).toEqual({ PORT: '5000' });
  });
});

describe('.env.example', () => {
  it('lists every variable the configuration reads, and nothing it does not', () => {
    const names = listed().map((match) => match[1]!);
    expect([...names].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('says what each variable is, on the line above it', () => {
    EXAMPLE.forEach((line, index) => {
      if (!VARIABLE_LINE.test(line)) return;
      const above = EXAMPLE[index - 1] ?? '';
      expect(above, `the line above ${line}`).toMatch(/^# \S/);
      expect(VARIABLE_LINE.test(above), `the line above ${line}`).toBe(false);
    });
  });

  it('shows the defaults: uncommented as it is, it configures exactly what no variable does', () => {
    const env = Object.fromEntries(listed().map((match) => [match[1]!, match[2]!]));
    expect(loadConfig(env, '/srv/deepclaw')).toEqual(loadConfig({}, '/srv/deepclaw'));
  });

  it('covers every variable read anywhere on the server side (bot, ingest, adapters)', () => {
    const read = new Set<string>();
    for (const dir of ['bot', 'ingest', 'adapters']) {
      for (const file of readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
        const source = readFileSync(new URL(`${dir}/${file}`, ROOT), 'utf8');
        for (const match of source.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) read.add(match[1] ?? match[2]!);
      }
    }
    // USER names the CLI's user in the audit log: the shell's, not a DeepClaw setting.
    expect([...read].filter((name) => name !== 'USER' && !ENVIRONMENT_VARIABLES.includes(name))).toEqual([]);
    expect(read.has('USER')).toBe(true);
  });
});
