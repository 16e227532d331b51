/**
 * The agent's exit codes: one per thing an operator fixes differently, so a cron mail or
 * `systemctl status` says what went wrong without reading logs. docs/agent.md lists them with
 * the fix for each; keep the two in step.
 */
export const EXIT = {
  /** Sent (or, with --print, printed). */
  ok: 0,
  /** A bug in the agent: please report it. */
  internal: 1,
  /** Wrong flags or values; the usage is printed. */
  usage: 2,
  /** No sync token, a malformed one (shape or checksum), or a token file others can read. */
  token: 3,
  /** DEEPCLAW_API_URL missing, invalid, redirecting, or plain HTTP to a host that is not loopback. */
  apiUrl: 4,
  /** The API could not be reached (DNS, refused, TLS, timeout), after retries. */
  unreachable: 5,
  /** The server refused the token (401): revoked, rotated or wrong. */
  tokenRejected: 6,
  /** The server refused the snapshot (400, 413, 415, 422). */
  snapshotRejected: 7,
  /** The server is rate-limiting or unavailable (429, 503, other 5xx), after retries. */
  serverBusy: 8,
  /** OpenClaw's state dir is missing, or the agent's own state file can't be written or is in use. */
  localState: 9,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
