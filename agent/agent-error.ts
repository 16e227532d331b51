/**
 * An error the agent reports on purpose: a stable `code`, a one-line message that says what to do,
 * and the exit code that tells cron which kind of problem it was. Messages never contain a token.
 */
import type { ExitCode } from './exit-codes.ts';

export class AgentError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(code: string, message: string, exitCode: ExitCode) {
    super(message);
    this.name = 'AgentError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
