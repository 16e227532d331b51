/**
 * One sync: read (collect a snapshot), remember (save the agent state), send (with retries inside
 * a time budget). The state is saved before sending on purpose: what was read stays read even if
 * the send fails, and the next snapshot carries the same cumulative figures anyway.
 *
 * Retries of one sync resend the identical body — same snapshotId, so the service's idempotency
 * makes a retry after a lost answer harmless.
 */
import { AgentError } from './agent-error.ts';
import { loadAgentState, saveAgentState } from './agent-state.ts';
import { retryDelayMs } from './backoff.ts';
import type { Clock } from './clock.ts';
import { collectSnapshot } from './collect-snapshot.ts';
import { EXIT } from './exit-codes.ts';
import { postSnapshot, type Fetch } from './ingest-client.ts';

export interface Output {
  write(text: string): unknown;
}

export interface SyncDependencies {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  random: () => number;
  fetch: Fetch;
  stdout: Output;
  stderr: Output;
  signal?: AbortSignal;
}

export interface SyncSettings {
  openclawDir: string;
  statePath: string;
  intervalSeconds: number;
  securityAudit: boolean;
  verbose: boolean;
  endpoint: URL;
  token: string;
  gatewayTimeoutMs?: number;
  busyTimeoutMs?: number;
  scanBufferBytes?: number;
  newSnapshotId?: () => string;
}

export type SyncOutcome =
  | { ok: true }
  | { ok: false; error: AgentError; retryable: boolean; retryAfterMs?: number };

/** Largest clock difference with the server before the agent says so. */
const CLOCK_SKEW_WARNING_MS = 5 * 60_000;

export async function runSync(settings: SyncSettings, deps: SyncDependencies, retry: { budgetMs: number; maxAttempts: number }): Promise<SyncOutcome> {
  const { clock } = deps;
  const started = clock.now();
  const loaded = loadAgentState(settings.statePath);
  if (loaded.warning) warn(deps, loaded.warning);

  const collected = await collectSnapshot({
    openclawDir: settings.openclawDir,
    env: deps.env,
    intervalSeconds: settings.intervalSeconds,
    nowMs: () => clock.now(),
    state: loaded.state,
    securityAudit: settings.securityAudit,
    busyTimeoutMs: settings.busyTimeoutMs,
    gatewayTimeoutMs: settings.gatewayTimeoutMs,
    scanBufferBytes: settings.scanBufferBytes,
    newSnapshotId: settings.newSnapshotId,
  });
  for (const warning of collected.warnings) warn(deps, warning);
  saveAgentState(settings.statePath, collected.state);

  for (let attempt = 0; ; attempt += 1) {
    const outcome = await postSnapshot({ endpoint: settings.endpoint, token: settings.token, body: collected.body, fetch: deps.fetch, nowMs: clock.now() });
    if (outcome.kind === 'accepted') {
      const serverTime = Date.parse(outcome.answer.serverTime ?? '');
      if (!Number.isNaN(serverTime) && Math.abs(serverTime - clock.now()) > CLOCK_SKEW_WARNING_MS) {
        const minutes = Math.round((clock.now() - serverTime) / 60_000);
        warn(deps, `this machine's clock is ${Math.abs(minutes)} min ${minutes > 0 ? 'ahead of' : 'behind'} the server's; usage hours may land in the wrong bucket (is NTP running?)`);
      }
      if (settings.verbose) {
        const { snapshot } = collected;
        deps.stdout.write(
          `deepclaw-agent: sent snapshot seq ${snapshot.seq} (${snapshot.gateway.storage}, gateway ${snapshot.gateway.live ? 'live' : 'down'}, ` +
            `${snapshot.usage.length} usage buckets, ${snapshot.cron.length} cron jobs, ${snapshot.sessions.total} sessions) in ${clock.now() - started} ms\n`,
        );
      }
      return { ok: true };
    }
    if (outcome.kind === 'final') return { ok: false, error: outcome.error, retryable: false };

    const delay = retryDelayMs({ attempt, retryAfterMs: outcome.retryAfterMs, capMs: retry.budgetMs, random: deps.random });
    const spent = clock.now() - started;
    if (attempt + 1 >= retry.maxAttempts || spent + delay > retry.budgetMs || deps.signal?.aborted) {
      return { ok: false, error: outcome.error, retryable: true, retryAfterMs: outcome.retryAfterMs };
    }
    if (settings.verbose) deps.stderr.write(`deepclaw-agent: ${outcome.error.message}; retrying in ${Math.ceil(delay / 1000)} s\n`);
    await clock.sleep(delay, deps.signal);
  }
}

export function warn(deps: Pick<SyncDependencies, 'stderr'>, message: string): void {
  deps.stderr.write(`deepclaw-agent: warning: ${message}\n`);
}

/** For errors that are not AgentErrors: a bug; say so, with the code path hidden from cron mail. */
export function asAgentError(error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  return new AgentError('internal_error', `unexpected error: ${(error as Error)?.message ?? String(error)}; please report this`, EXIT.internal);
}
