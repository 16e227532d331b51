/**
 * One POST /v1/snapshots and what its answer means for the agent: accepted; worth retrying
 * (429, 5xx, network) with the server's Retry-After; or final, with the exit code and a message
 * that says what to do. `fetch` is injectable; the Authorization header is the only place the
 * token goes.
 */
import type { IngestErrorBody, SnapshotAccepted } from '../ingest/contract.ts';
import { AgentError } from './agent-error.ts';
import { parseRetryAfter } from './backoff.ts';
import { EXIT } from './exit-codes.ts';
import type { Fetch, HttpAnswer } from './http-post.ts';
import { AGENT_VERSION } from './version.ts';

export type { Fetch };

export const REQUEST_TIMEOUT_MS = 30_000;
const MAX_LISTED_PATHS = 10;

export type SendOutcome =
  | { kind: 'accepted'; answer: Partial<SnapshotAccepted> }
  | { kind: 'retry'; error: AgentError; retryAfterMs?: number }
  | { kind: 'final'; error: AgentError };

export async function postSnapshot(options: {
  endpoint: URL;
  token: string;
  body: string;
  fetch: Fetch;
  nowMs: number;
  timeoutMs?: number;
}): Promise<SendOutcome> {
  const { endpoint } = options;
  let response: HttpAnswer;
  try {
    response = await options.fetch(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': `deepclaw-agent/${AGENT_VERSION}`,
      },
      body: options.body,
      // A redirect could downgrade to http or carry the token elsewhere: never follow one.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    return { kind: 'retry', error: new AgentError('api_unreachable', `cannot reach ${endpoint.origin}: ${networkReason(error)}`, EXIT.unreachable) };
  }

  const status = response.status;
  const answer = await readJson(response);
  if (status >= 200 && status < 300) return { kind: 'accepted', answer: (answer ?? {}) as Partial<SnapshotAccepted> };

  const error = answer as Partial<IngestErrorBody> | undefined;
  const code = typeof error?.error === 'string' ? oneLine(error.error, 64) : `http_${status}`;
  const said = typeof error?.message === 'string' ? `: ${oneLine(error.message, 300)}` : '';

  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return {
      kind: 'final',
      error: new AgentError('api_redirect', `${endpoint.origin} answered with a redirect (${status}${location ? ` to ${oneLine(location, 200)}` : ''}); set DEEPCLAW_API_URL to the final address`, EXIT.apiUrl),
    };
  }
  if (status === 401) {
    return {
      kind: 'final',
      error: new AgentError(
        'token_rejected',
        `the server refused the sync token (${code}): it was revoked, rotated or is wrong. Run /deepclaw rotate-token <instance> in chat (or deepclaw token rotate <instance>) and install the new token`,
        EXIT.tokenRejected,
      ),
    };
  }
  if (status === 429 || status >= 500) {
    return {
      kind: 'retry',
      retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), options.nowMs),
      error: new AgentError(status === 429 ? 'rate_limited' : 'server_unavailable', `${endpoint.origin} answered ${status} (${code})${said}`, EXIT.serverBusy),
    };
  }
  if (status === 404) {
    return { kind: 'final', error: new AgentError('api_not_found', `no snapshot endpoint at ${endpoint.href} (404); check DEEPCLAW_API_URL`, EXIT.apiUrl) };
  }
  if (status === 422 && Array.isArray(error?.issues) && error.issues.length > 0) {
    const paths = error.issues.map((issue) => oneLine(String(issue?.path ?? '(root)'), 120));
    const listed = paths.slice(0, MAX_LISTED_PATHS).join(', ') + (paths.length > MAX_LISTED_PATHS ? ` and ${paths.length - MAX_LISTED_PATHS} more` : '');
    return {
      kind: 'final',
      error: new AgentError('snapshot_rejected', `the server refused the snapshot (422 ${code}) at ${listed}${said}; run with --print to see what was sent`, EXIT.snapshotRejected),
    };
  }
  return { kind: 'final', error: new AgentError('snapshot_rejected', `the server refused the snapshot (${status} ${code})${said}`, EXIT.snapshotRejected) };
}

async function readJson(response: HttpAnswer): Promise<Record<string, unknown> | undefined> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The network error's own code or cause, in a few words: ECONNREFUSED, ENOTFOUND, timed out. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
  if (cause?.code) return cause.code;
  return oneLine(cause?.message ?? (error as Error).message ?? 'network error', 200);
}

function oneLine(text: string, max: number): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').slice(0, max);
}
