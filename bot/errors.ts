/**
 * Errors the core raises on purpose. Each carries a stable `code` (for `--json` output, HTTP bodies
 * and chat replies) and a message a human can act on. Secrets never go into a message.
 */

export class DeepClawError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** The caller named something that does not exist (an instance, a workspace, a link code). */
export class NotFoundError extends DeepClawError {}

/** The request contradicts what is stored (a duplicate name, an instance with no token to rotate). */
export class ConflictError extends DeepClawError {}

/** A value the caller typed is not acceptable (a bad name, a bad duration). */
export class InvalidInputError extends DeepClawError {}
