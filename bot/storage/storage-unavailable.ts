/**
 * Telling "the database is not there right now" (answer 503, retry later) from a bug (answer 500).
 */
import { DeepClawError } from '../errors.ts';

export class StorageUnavailableError extends DeepClawError {
  constructor(cause: unknown) {
    super('storage_unavailable', `the database is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.cause = cause;
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED']);

/** Connection failures, timeouts and server shutdowns: transient, not the request's fault. */
export function isStorageUnavailable(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && NETWORK_CODES.has(code)) return true;
  // 08xxx connection exceptions, 57014 statement timeout, 57P0x shutdown/crash, 53xxx out of resources.
  if (code && /^(08|57014|57P0|53)/.test(code)) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended/i.test(
    message ?? '',
  );
}
