/**
 * JSON logs with pino (pretty when stdout is a terminal). Secrets are removed twice: known fields
 * (Authorization headers, tokens, platform secrets) by path, and anything shaped like a credential
 * anywhere in a logged string, so a token pasted into an error message still never reaches a log.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';
import { redactSecrets } from './secret-patterns.ts';

export type { Logger };

const REDACTED_PATHS = [
  'authorization',
  'token',
  'password',
  'secret',
  '*.authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-telegram-bot-api-secret-token"]',
  '*.headers["x-slack-signature"]',
  '*.headers["x-signature-ed25519"]',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const settings = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(this, args.map(scrub));
      },
    },
    formatters: { level: (label: string) => ({ level: label }) },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Deep copy of `value` with credential-shaped substrings redacted; errors keep message and stack. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(redactSecrets(value.message));
    copy.name = value.name;
    copy.stack = value.stack && redactSecrets(value.stack);
    return Object.assign(copy, scrub({ ...value }, depth + 1));
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, depth + 1)]));
}
