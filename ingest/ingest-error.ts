/**
 * A request the client got wrong (or must retry): an HTTP status, a stable `error` code, a human
 * message, and sometimes more fields or headers. The error boundary renders it as JSON.
 */
export class IngestError extends Error {
  readonly status: number;
  readonly code: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** Koa's convention: this message is meant for the client. */
  readonly expose = true;

  constructor(status: number, code: string, message: string, options: { extra?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'IngestError';
    this.status = status;
    this.code = code;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }
}
