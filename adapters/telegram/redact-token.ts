/**
 * The bot token is part of every Bot API URL (`/bot<token>/sendMessage`), so any error that
 * carries a URL — a refused connection, a DNS failure, a proxy's error page — carries the token.
 * Every call goes through {@link redactingTransformer}, which rethrows such errors with the token
 * replaced, so neither our logs nor an error shown to a person can leak it.
 */
import { HttpError, type Transformer } from 'grammy';

export const REDACTED = '<bot token>';

export function redactText(text: string, token: string): string {
  if (!token) return text;
  // The token appears as typed, and URL-encoded (`:` as %3A) in some clients' messages.
  return text.split(token).join(REDACTED).split(encodeURIComponent(token)).join(REDACTED);
}

/** A copy of the error without the token anywhere in its message, stack or cause. */
export function redactError(error: unknown, token: string): unknown {
  if (!(error instanceof Error)) return error;
  const inner = error instanceof HttpError ? error.error : (error as { cause?: unknown }).cause;
  const leaks = (value: unknown): boolean => value instanceof Error && (value.message.includes(token) || String(value.stack).includes(token) || leaks((value as { cause?: unknown }).cause));
  if (!error.message.includes(token) && !String(error.stack).includes(token) && !leaks(inner)) return error;
  const innerCopy = inner instanceof Error ? new Error(redactText(inner.message, token)) : undefined;
  const copy = error instanceof HttpError ? new HttpError(redactText(error.message, token), innerCopy) : new Error(redactText(error.message, token), { cause: innerCopy });
  copy.stack = redactText(String(error.stack), token);
  return copy;
}

/** Installed on every Api this adapter builds: errors leave without the token. */
export function redactingTransformer(token: string): Transformer {
  return async (previous, method, payload, signal) => {
    try {
      return await previous(method, payload, signal);
    } catch (error) {
      throw redactError(error, token);
    }
  };
}
